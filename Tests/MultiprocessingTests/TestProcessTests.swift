import Foundation
import MultiprocessingTestSupport
import Testing

/// `TestProcess`, which every test target starts its child processes with.
@Suite("TestProcess: children with a clean signal mask, their own pipes, no orphans", .timeLimit(.minutes(1)))
struct TestProcessTests {
    /// The `SigBlk` line of `/proc/<pid>/status`: the signals the process blocks, in hex.
    static func blockedSignals(of pid: pid_t) throws -> String? {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("SigBlk:") }
        return line.map { $0.dropFirst("SigBlk:".count).trimmingCharacters(in: .whitespaces) }
    }

    @Test("a child started from an async test blocks no signal, and reads its standard input to the end")
    func cleanSignalMask() async throws {
        let child = try TestProcess("cat")
        let blocked = try Self.blockedSignals(of: child.pid)
        #expect(blocked == "0000000000000000")
        child.closeInput()
        #expect(await child.waitForExit(timeout: .seconds(30)) == 0)
        #expect(child.termination == .exited(0))
    }

    @Test("terminate() ends a sleeping python3 with SIGTERM")
    func terminateSendsSIGTERM() async throws {
        let child = try TestProcess("python3", ["-c", "import time; print('sleeping', flush=True); time.sleep(600)"])
        #expect(await child.waitForLine(timeout: .seconds(30), where: { $0 == "sleeping" }) == "sleeping")
        child.terminate()
        #expect(await child.waitForExit(timeout: .seconds(30)) == 128 + SIGTERM)
        #expect(child.termination == .signaled(SIGTERM))
    }

    @Test("a Python server with the preamble exits when the parent's end of its standard input closes")
    func serverExitsAtEndOfInput() async throws {
        let script = Python.server("import time\nprint('ready', flush=True)\ntime.sleep(600)\n")
        let child = try TestProcess(Python.python3, ["-c", script])
        #expect(await child.waitForLine(timeout: .seconds(30), where: { $0 == "ready" }) == "ready")
        #expect(child.isRunning)
        child.closeInput()
        #expect(await child.waitForExit(timeout: .seconds(30)) == 0)
        #expect(child.termination == .exited(0))
    }

    @Test("a child inherits no descriptor beyond its standard three, even ones left inheritable")
    func noInheritedDescriptors() async throws {
        var inheritable: [Int32] = [-1, -1]
        try #require(pipe(&inheritable) == 0)
        defer { for descriptor in inheritable { close(descriptor) } }
        let run = try await TestProcess.run(
            Python.python3,
            ["-c", "import os; print(' '.join(sorted(os.listdir('/proc/self/fd'), key=int)))"]
        )
        #expect(run.status == 0, "\(run.standardError)")
        let open = Set(
            run.standardOutput.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .newlines)) }
        )
        #expect(open.isSuperset(of: [0, 1, 2]))
        #expect(open.isDisjoint(with: inheritable))
    }

    @Test("run() collects output and status, feeds input, and reports a timeout naming the command")
    func runToCompletion() async throws {
        let run = try await TestProcess.run(
            "sh",
            ["-c", "read line; echo \"got $line\"; echo oops >&2; exit 3"],
            input: Array("hello\n".utf8)
        )
        #expect(run.status == 3)
        #expect(run.standardOutput == "got hello\n")
        #expect(run.standardError == "oops\n")
        let error = await #expect(throws: TestProcessError.self) {
            _ = try await TestProcess.run("sleep", ["600"], timeout: .milliseconds(200))
        }
        #expect(error?.code == .timedOut)
        #expect(error?.description.contains("sleep 600") == true)
        #expect(error?.description.contains("0.2 seconds") == true)
    }

    @Test("a missing program fails to start with spawnFailed")
    func missingProgram() throws {
        let error = #expect(throws: TestProcessError.self) { _ = try TestProcess("/nonexistent/program") }
        #expect(error?.code == .spawnFailed)
        let unknown = #expect(throws: TestProcessError.self) { _ = try TestProcess("no-such-program-on-path") }
        #expect(unknown?.code == .spawnFailed)
    }
}
