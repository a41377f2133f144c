import Foundation
import Synchronization

/// Collects a child's output and hands the first complete line to a waiter, with a timeout.
final class LineLatch: Sendable {
    private struct State {
        var buffer = Data()
        var line: String?
        var ended = false
        var waiter: CheckedContinuation<String?, Never>?
    }

    private let state = Mutex(State())

    /// Adds output; empty data means the output ended.
    func append(_ data: Data) {
        let (waiter, result) = self.state.withLock { state -> (CheckedContinuation<String?, Never>?, String?) in
            guard state.line == nil, !state.ended else { return (nil, nil) }
            if data.isEmpty {
                state.ended = true
            } else {
                state.buffer.append(data)
                if let newline = state.buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    state.line = String(decoding: state.buffer[..<newline], as: UTF8.self)
                }
            }
            guard state.line != nil || state.ended, let waiter = state.waiter else { return (nil, nil) }
            state.waiter = nil
            return (waiter, state.line)
        }
        waiter?.resume(returning: result)
    }

    /// The first line, or `nil` if the output ends first or `timeout` passes.
    func firstLine(timeout: Duration) async -> String? {
        let timer = Task { [self] in
            try? await Task.sleep(for: timeout)
            let waiter = self.state.withLock { state in
                defer { state.waiter = nil; state.ended = true }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let ready = self.state.withLock { state -> String?? in
                if state.line != nil || state.ended { return .some(state.line) }
                state.waiter = continuation
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
