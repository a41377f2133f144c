import Pickle

/// What a parent sends a child on its channel: the task to run, the manager to connect to, and the arguments.
struct ChildPayload: Sendable {
    var taskName: String
    var manager: ManagerCredentials?
    var arguments: PythonValue

    init(taskName: String, manager: ManagerCredentials?, arguments: PythonValue) {
        self.taskName = taskName
        self.manager = manager
        self.arguments = arguments
    }

    /// `('task', name, (address, authkey) or None, arguments)`.
    var pythonValue: PythonValue {
        .tuple([.string("task"), .string(self.taskName), self.manager?.pythonValue ?? .none, self.arguments])
    }

    init(pythonValue: PythonValue) throws(ChildProcessError) {
        guard case .tuple(let fields) = pythonValue.unwrapped, fields.count == 4, fields[0].stringValue == "task",
            let name = fields[1].stringValue
        else {
            throw ChildProcessError(code: .payload, message: "the parent sent \(pythonValue.typeName), not a task")
        }
        self.init(taskName: name, manager: ManagerCredentials(pythonValue: fields[2]), arguments: fields[3])
    }
}
