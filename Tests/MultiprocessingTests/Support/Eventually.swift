/// Checks `condition` until it holds or `timeout` passes, for effects that happen asynchronously (a `decref`
/// sent when the last copy of a proxy goes away). Returns whether it held.
func eventually(
    timeout: Duration = .seconds(10),
    _ condition: () async throws -> Bool
) async throws -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
