#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Pickle

/// The worker side of a ``WorkerPool``: runs the initializer, then each job the parent sends, until the parent
/// closes the channel.
struct PoolWorkerRuntime {
    let registry: TaskRegistry

    /// Serves jobs and returns the exit code.
    func run() async -> Int32 {
        let channel = Spawner.channelDescriptor
        let connections = ManagerConnections()
        let status = await self.serve(channel: channel, connections: connections)
        await connections.closeAll()
        return status
    }

    private func serve(channel: Int32, connections: ManagerConnections) async -> Int32 {
        do {
            guard let first = try ChannelIO.receive(on: channel) else { return 0 }
            try await self.initialize(first, connections: connections)
        } catch {
            ChildRuntime.report(error)
            return 1
        }
        while true {
            let message: PythonValue?
            do {
                message = try ChannelIO.receive(on: channel)
            } catch {
                ChildRuntime.report(error)
                return 1
            }
            guard let message else { return 0 }
            let reply = await self.perform(message, connections: connections)
            do {
                try ChannelIO.send(reply, on: channel)
            } catch {
                // The parent has gone; nothing is waiting for the reply.
                return 0
            }
        }
    }

    /// Runs the initializer the first message names, if any.
    private func initialize(_ message: PythonValue, connections: ManagerConnections) async throws {
        guard case .tuple(let fields) = message.unwrapped, fields.count == 4, fields[0].stringValue == "init" else {
            throw ChildProcessError(code: .payload, message: "the pool sent \(message.typeName), not its setup")
        }
        guard let name = fields[1].stringValue else { return }
        guard let task = self.registry.task(named: name) as? any ProcessTask.Type else {
            throw self.unknown(name, kind: "process task (initializer)")
        }
        try await Self.run(task, arguments: fields[2], manager: ManagerCredentials(pythonValue: fields[3]), connections: connections)
    }

    private static func run<Task: ProcessTask>(
        _ task: Task.Type,
        arguments: PythonValue,
        manager: ManagerCredentials?,
        connections: ManagerConnections
    ) async throws {
        try await Task.run(try await connections.decode(Task.Arguments.self, from: arguments, manager: manager))
    }

    /// Runs one job and returns the reply: `('ok', id, [outputs])` or `('error', id, type name, message)`.
    private func perform(_ message: PythonValue, connections: ManagerConnections) async -> PythonValue {
        guard case .tuple(let fields) = message.unwrapped, fields.count == 5, fields[0].stringValue == "task",
            let id = fields[1].intValue, let name = fields[2].stringValue, let inputs = fields[3].sequenceElements
        else {
            let failure = RemoteFailure(typeName: "ChildProcessError", message: "the pool sent a malformed job")
            return .tuple([.string("error"), .int(-1), .string(failure.typeName), .string(failure.message)])
        }
        do {
            guard let task = self.registry.task(named: name) as? any PoolTask.Type else {
                throw self.unknown(name, kind: "pool task")
            }
            let outputs = try await Self.run(
                task,
                inputs: inputs,
                manager: ManagerCredentials(pythonValue: fields[4]),
                connections: connections
            )
            return .tuple([.string("ok"), .int(id), .list(outputs)])
        } catch {
            let failure = RemoteFailure(error)
            return .tuple([.string("error"), .int(id), .string(failure.typeName), .string(failure.message)])
        }
    }

    private static func run<Task: PoolTask>(
        _ task: Task.Type,
        inputs: [PythonValue],
        manager: ManagerCredentials?,
        connections: ManagerConnections
    ) async throws -> [PythonValue] {
        var outputs: [PythonValue] = []
        outputs.reserveCapacity(inputs.count)
        for input in inputs {
            let decoded = try await connections.decode(Task.Input.self, from: input, manager: manager)
            let output = try await Task.run(decoded)
            outputs.append(try PythonValueEncoder().encode(output))
        }
        return outputs
    }

    private func unknown(_ name: String, kind: String) -> ChildProcessError {
        ChildProcessError(
            code: .unknownTask,
            message: "no \(kind) named '\(name)' is registered with ProcessRole.bootstrap(tasks:) "
                + "(registered: \(self.registry.names.joined(separator: ", ")))"
        )
    }
}
