import Pickle

/// libFuzzer entry point: any input must either decode or fail with a `PickleError`, never crash or hang. A
/// decoded value must also re-encode, and the re-encoding must decode again, with more depth allowed: protocol 2
/// writes `bytes`, `set` and `frozenset` as `REDUCE` calls, which nest two levels deeper than the value, and
/// protocols 2–3 write a dotted global name as a chain of `getattr` calls, two levels per dot (the writer refuses
/// names of more than 200 parts).
@_cdecl("LLVMFuzzerTestOneInput")
public func pickleReaderFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let buffer = UnsafeRawBufferPointer(start: data, count: size)
    // `maxSharedExpansion` 4 (64 Ki nodes for these small inputs, instead of 1 Mi by default): a value that
    // repeats shared values up to the budget is written and read again four times below, which at the default
    // took most of the harness's time under the sanitizer.
    let reader = PickleReader(
        limits: PickleLimits(maxInputSize: 1 << 20, maxDepth: 200, maxIntegerBytes: 4096, maxSharedExpansion: 4)
    )
    guard let value = try? reader.read(buffer) else { return 0 }
    let rereader = PickleReader(limits: PickleLimits(maxDepth: 1000, maxIntegerBytes: 4096))
    for protocolVersion in 2...5 {
        guard let bytes = try? PickleWriter(protocolVersion: protocolVersion).write(value) else { continue }
        do {
            _ = try rereader.read(bytes)
        } catch {
            fatalError("re-encoding with protocol \(protocolVersion) does not decode: \(error)")
        }
    }
    return 0
}
