#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Pickle

/// The child side of ``ChildProcess``: reads the payload, runs the task, and reports failures as Python does.
struct ChildRuntime {
    let registry: TaskRegistry

    /// Runs the task the parent sent and returns the exit code.
    func run() async -> Int32 {
        let payload: ChildPayload
        do {
            guard let value = try ChannelIO.receive(on: Spawner.channelDescriptor) else {
                throw ChildProcessError(code: .payload, message: "the parent closed the channel before sending a task")
            }
            close(Spawner.channelDescriptor)
            payload = try ChildPayload(pythonValue: value)
        } catch {
            Self.report(error)
            return 1
        }
        guard let task = self.registry.task(named: payload.taskName) as? any ProcessTask.Type else {
            Self.report(
                ChildProcessError(
                    code: .unknownTask,
                    message: "no process task named '\(payload.taskName)' is registered with ProcessRole.bootstrap(tasks:) "
                        + "(registered: \(self.registry.names.joined(separator: ", ")))"
                )
            )
            return 2
        }
        let connections = ManagerConnections()
        let status: Int32
        do {
            try await Self.run(task, payload: payload, connections: connections)
            status = 0
        } catch {
            Self.report(error)
            status = 1
        }
        await connections.closeAll()
        return status
    }

    private static func run<Task: ProcessTask>(
        _ task: Task.Type,
        payload: ChildPayload,
        connections: ManagerConnections
    ) async throws {
        let arguments = try await connections.decode(Task.Arguments.self, from: payload.arguments, manager: payload.manager)
        try await Task.run(arguments)
    }

    /// Prints `TypeName: message` to standard error, as Python prints an uncaught exception's last line.
    static func report(_ error: any Error) {
        let line = Array("\(RemoteFailure(error).pythonLine)\n".utf8)
        fflush(nil)
        var offset = 0
        while offset < line.count {
            let written = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 { break }
            offset += written
        }
    }
}
