// The program the tests start as children and pool workers. Like every program that uses child processes or a
// worker pool, it hands control to the library on its first line.
import Multiprocessing

await ProcessRole.bootstrap(tasks: [
    PrintLine.self, ExitWith.self, RaiseSignal.self, WaitForSignal.self, ThrowError.self, WaitForEvent.self,
    Square.self, ProcessID.self, RaiseSignalOn.self, FailWith.self, BlockForever.self, RememberGreeting.self,
    Greeting.self, IncrementEntry.self, IncrementCounter.self,
])

// Run directly, it starts children of its own, so that tests can read what they print.
switch CommandLine.arguments.dropFirst().first {
case "print-from-child":
    print("parent before")
    let child = try ChildProcess.start(PrintLine.self, arguments: "child line")
    await child.join()
    print("parent after")
case "throw-in-child":
    let child = try ChildProcess.start(ThrowError.self, arguments: "no such file")
    print("child status: \(await child.join().map(String.init(describing:)) ?? "running")")
default:
    print("multiprocessing-test-worker: started by the Multiprocessing tests as child processes and pool workers")
}
