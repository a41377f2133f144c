import Foundation
import ManagerServer
import MultiprocessingTestSupport
import Pickle

/// Runs operation sequences on real CPython objects (`python3`) and reports their outcomes, so that tests can
/// compare the hosted objects with CPython.
enum PythonOracle {
    /// One call on a fresh referent: `factory` builds it, `method(*args)` is called, and the outcome is reported.
    struct Case: Sendable, CustomStringConvertible {
        var initial: PythonValue
        var method: String
        var arguments: [PythonValue]
        var keywords: [(String, PythonValue)] = []

        var keywordDict: PythonDict {
            var dict = PythonDict()
            for (key, value) in self.keywords { dict[key] = value }
            return dict
        }

        var description: String {
            "\(self.initial.repr).\(self.method)(\(self.arguments.map(PythonOracle.source).joined(separator: ", ")))"
        }
    }

    /// Python source for a value (slices and ranges as constructor calls).
    static func source(_ value: PythonValue) -> String {
        switch value.unwrapped {
        case .object(let object):
            let args = (object.arguments ?? []).map(Self.source).joined(separator: ", ")
            return "\(object.callable.map { Self.source(.global($0)) } ?? "None")(\(args))"
        case .global(let global):
            return global.module == "builtins" ? global.name : "__import__('\(global.module)').\(global.name)"
        case .list(let elements): return "[" + elements.map(Self.source).joined(separator: ", ") + "]"
        case .tuple(let elements):
            return elements.count == 1
                ? "(\(Self.source(elements[0])),)"
                : "(" + elements.map(Self.source).joined(separator: ", ") + ")"
        case .dict(let dict):
            return "{"
                + dict.items.map { "\(Self.source($0.key)): \(Self.source($0.value))" }
                .joined(separator: ", ") + "}"
        case .float(let double): return "float('\(double)')"
        case .bytes(let bytes): return "bytes(\(bytes))"
        default: return value.repr
        }
    }

    /// The outcome line for a hosted result: `OK <result repr> | <state repr>` or `ERR <Type><args repr>`.
    static func outcome(_ result: Result<PythonValue, PythonException>, state: String) -> String {
        switch result {
        case .success(let value): return "OK \(value.repr) | \(state)"
        case .failure(let error): return "ERR \(error.type.name): " + error.arguments.map(\.str).joined(separator: "|")
        }
    }

    /// Runs `cases` in one `python3` process; `factory` is a Python expression using `init` (e.g. `list(init)`).
    static func run(_ cases: [Case], factory: String) async throws -> [String] {
        var script = """
            import sys
            def run(init, method, args, kw):
                obj = \(factory)
                try:
                    r = getattr(obj, method)(*args, **kw)
                    print('OK ' + repr(r) + ' | ' + repr(obj))
                except Exception as e:
                    print('ERR ' + type(e).__name__ + ': ' + '|'.join(str(a) for a in e.args))

            """
        for entry in cases {
            let kw = entry.keywords.map { "'\($0.0)': \(Self.source($0.1))" }.joined(separator: ", ")
            let args = entry.arguments.map(Self.source).joined(separator: ", ")
            let comma = entry.arguments.count == 1 ? "," : ""
            script += "run(\(Self.source(entry.initial)), '\(entry.method)', (\(args)\(comma)), {\(kw)})\n"
        }
        return try await Self.outputLines(of: script)
    }
}

extension PythonValue {
    /// `slice(start, stop, step)` for tests.
    static func slice(_ start: PythonValue, _ stop: PythonValue, _ step: PythonValue = .none) -> PythonValue {
        .object(.reduce(.builtin("slice"), [start, stop, step]))
    }

    /// `range(start, stop, step)` for tests.
    static func range(_ start: Int, _ stop: Int, _ step: Int = 1) -> PythonValue {
        .object(.reduce(.builtin("range"), [.int(start), .int(stop), .int(step)]))
    }
}

extension PythonOracle {
    /// One call in a sequence on the same object.
    struct Step: Sendable {
        var method: String
        var arguments: [PythonValue] = []
        var keywords: [(String, PythonValue)] = []

        var keywordDict: PythonDict {
            var dict = PythonDict()
            for (key, value) in self.keywords { dict[key] = value }
            return dict
        }
    }

    /// Runs `steps` in order on one object made by the Python expression `factory`, and reports each outcome as
    /// `OK <repr>` or `ERR <Type>: <args>`.
    static func runSequence(_ steps: [Step], factory: String) async throws -> [String] {
        var script = """
            import queue, threading
            obj = \(factory)
            def run(method, args, kw):
                try:
                    print('OK ' + repr(getattr(obj, method)(*args, **kw)))
                except Exception as e:
                    print('ERR ' + type(e).__name__ + ': ' + '|'.join(str(a) for a in e.args))

            """
        for step in steps {
            let kw = step.keywords.map { "'\($0.0)': \(Self.source($0.1))" }.joined(separator: ", ")
            let args = step.arguments.map(Self.source).joined(separator: ", ")
            let comma = step.arguments.count == 1 ? "," : ""
            script += "run('\(step.method)', (\(args)\(comma)), {\(kw)})\n"
        }
        return try await Self.outputLines(of: script)
    }

    /// The lines `script` prints when `python3` runs it (what it writes to standard error is printed too).
    private static func outputLines(of script: String) async throws -> [String] {
        let run = try await TestProcess.run(Python.python3, ["-c", script], timeout: .seconds(120))
        if !run.standardError.isEmpty {
            print(run.standardError)
        }
        return run.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// The outcome line of one hosted step, in ``runSequence(_:factory:)``'s format.
    static func stepOutcome(_ object: any HostedObject, _ step: Step, in context: TestStoreContext) -> String {
        do {
            let outcome = try object.call(step.method, CallArguments(step.arguments, keywords: step.keywordDict),
                                          in: context)
            guard case .value(let value) = outcome else { return "PARKED" }
            return "OK \(value.repr)"
        } catch {
            return "ERR \(error.type.name): " + error.arguments.map(\.str).joined(separator: "|")
        }
    }
}
