import Foundation
import Multiprocessing
import Testing

/// Tasks of the test worker (`Sources/MultiprocessingTestWorker`), declared again here with the same names: the
/// parent only needs a task's name and argument types.
enum WorkerTasks {
    struct PrintLine: ProcessTask { static func run(_ line: String) async throws {} }
    struct ExitWith: ProcessTask { static func run(_ code: Int32) async throws {} }
    struct RaiseSignal: ProcessTask { static func run(_ signal: Int32) async throws {} }
    struct WaitForSignal: ProcessTask { static func run(_ arguments: [String]) async throws {} }
    struct ThrowError: ProcessTask { static func run(_ message: String) async throws {} }
    struct NotRegistered: ProcessTask { static func run(_ arguments: Int) async throws {} }
    struct WaitForEvent: ProcessTask { static func run(_ event: EventProxy) async throws {} }
    struct IncrementEntry: ProcessTask {
        struct Arguments: Codable, Sendable {
            var dict: DictProxy<String, Int>
            var key: String
        }
        static func run(_ arguments: Arguments) async throws {}
    }
}

@Suite("Child processes", .timeLimit(.minutes(1)))
struct ChildProcessTests {
    let worker = BuildProducts.testWorker

    @Test("A child that returns exits with code 0 and is no longer alive")
    func childExitsCleanly() async throws {
        let child = try ChildProcess.start(WorkerTasks.PrintLine.self, arguments: "hello", executable: self.worker)
        #expect(child.pid > 0)
        let status = await child.join(timeout: .seconds(30))
        #expect(status == .exited(0))
        #expect(!child.isAlive)
        #expect(child.exitCode == 0)
    }

    @Test("The exit code a child exits with is reported", arguments: [0, 1, 3, 42, 255] as [Int32])
    func exitCodes(code: Int32) async throws {
        let child = try ChildProcess.start(WorkerTasks.ExitWith.self, arguments: code, executable: self.worker)
        #expect(await child.join(timeout: .seconds(30)) == .exited(code))
    }

    @Test("A child ended by a signal reports the signal", arguments: [SIGKILL, SIGTERM, SIGINT])
    func signals(signal: Int32) async throws {
        let child = try ChildProcess.start(WorkerTasks.RaiseSignal.self, arguments: signal, executable: self.worker)
        let status = await child.join(timeout: .seconds(30))
        #expect(status == .signaled(signal))
        #expect(child.exitCode == -signal)
    }

    @Test("join with a timeout returns nil and leaves the child running; terminate then ends it with SIGTERM")
    func joinTimeoutThenTerminate() async throws {
        let child = try ChildProcess.start(WorkerTasks.WaitForSignal.self, arguments: [], executable: self.worker)
        #expect(await child.join(timeout: .milliseconds(100)) == nil)
        #expect(child.isAlive)
        #expect(child.exitStatus == nil)
        child.terminate()
        #expect(await child.join(timeout: .seconds(30)) == .signaled(SIGTERM))
        #expect(!child.isAlive)
    }

    @Test("kill ends a child with SIGKILL")
    func killEndsChild() async throws {
        let child = try ChildProcess.start(WorkerTasks.WaitForSignal.self, arguments: [], executable: self.worker)
        child.kill()
        #expect(await child.join(timeout: .seconds(30)) == .signaled(SIGKILL))
    }

    @Test("Many tasks can join the same child")
    func concurrentJoins() async throws {
        let child = try ChildProcess.start(WorkerTasks.ExitWith.self, arguments: 5, executable: self.worker)
        let statuses = await withTaskGroup(of: TerminationStatus?.self) { group in
            for _ in 0..<4 { group.addTask { await child.join(timeout: .seconds(30)) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: .exited(5), count: 4))
    }

    @Test("A child inherits standard output, and output printed before the start comes first")
    func inheritedOutput() async throws {
        let run = try await runProgram(self.worker, arguments: ["print-from-child"])
        #expect(run.status == 0)
        #expect(run.lines == ["parent before", "child line", "parent after"])
    }

    @Test("An error a task throws is printed to standard error as 'Type: message' and the child exits with 1")
    func thrownErrorIsReported() async throws {
        let run = try await runProgram(self.worker, arguments: ["throw-in-child"])
        #expect(run.lines == ["child status: exited(1)"])
        #expect(run.standardError.contains("TestFailure: no such file"))
    }

    @Test("A task the child did not register ends it with exit code 2")
    func unknownTask() async throws {
        let child = try ChildProcess.start(WorkerTasks.NotRegistered.self, arguments: 1, executable: self.worker)
        #expect(await child.join(timeout: .seconds(30)) == .exited(2))
    }

    @Test("Starting a program that does not exist throws spawnFailed")
    func missingExecutable() throws {
        #expect(throws: ChildProcessError.self) {
            _ = try ChildProcess.start(WorkerTasks.ExitWith.self, arguments: 0, executable: "/nonexistent/program")
        }
    }

    @Test("A child receives working proxies: it blocks on a managed Event until the parent sets it")
    func childWaitsOnManagedEvent() async throws {
        let manager = try await Manager.startInProcess()
        let event = try await manager.client.event()
        let child = try ChildProcess.start(WorkerTasks.WaitForEvent.self, arguments: event, executable: self.worker)
        #expect(await child.join(timeout: .milliseconds(200)) == nil)
        try await event.set()
        #expect(await child.join(timeout: .seconds(30)) == .exited(0))
        await manager.shutdown()
    }

    @Test("Children change a managed dict the parent then reads, found through the proxy in their arguments")
    func childrenChangeManagedDict() async throws {
        let manager = try await Manager.startInProcess()
        let counts: DictProxy<String, Int> = try await manager.client.dict()
        for _ in 0..<3 {
            let child = try ChildProcess.start(
                WorkerTasks.IncrementEntry.self,
                arguments: .init(dict: counts, key: "runs"),
                executable: self.worker
            )
            #expect(await child.join(timeout: .seconds(30)) == .exited(0))
        }
        #expect(try await counts["runs"] == 3)
        await manager.shutdown()
    }
}
