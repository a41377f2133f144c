import Pickle

/// One message's worth of work for a worker: a chunk of inputs for one task, and what to do with the outputs.
struct PoolJob: Sendable {
    /// What a finished job hands back: the outputs in input order, or why there are none.
    typealias Outcome = Result<[PythonValue], WorkerPoolError>

    var id: Int
    var taskName: String
    var inputs: [PythonValue]
    var manager: ManagerCredentials?
    /// The Swift inputs, kept alive until the job finishes so the proxies inside stay referenced.
    var retained: any Sendable
    /// Called once, on the thread that learned the outcome.
    var complete: @Sendable (Outcome) -> Void

    /// `('task', id, name, [inputs], (address, authkey) or None)`.
    var message: PythonValue {
        .tuple([
            .string("task"), .int(self.id), .string(self.taskName), .list(self.inputs),
            self.manager?.pythonValue ?? .none,
        ])
    }

    /// The outcome a worker's reply describes.
    func outcome(ofReply reply: PythonValue) -> Outcome {
        guard case .tuple(let fields) = reply.unwrapped, fields.count >= 3, fields[1].intValue == self.id else {
            return .failure(WorkerPoolError(code: .conversion, message: "the worker sent an unexpected reply to job \(self.id)"))
        }
        switch fields[0].stringValue {
        case "ok":
            guard let outputs = fields[2].sequenceElements, outputs.count == self.inputs.count else {
                return .failure(WorkerPoolError(code: .conversion, message: "the worker sent a malformed result for job \(self.id)"))
            }
            return .success(outputs)
        case "error" where fields.count == 4:
            let failure = RemoteFailure(typeName: fields[2].stringValue ?? "Error", message: fields[3].stringValue ?? "")
            return .failure(.taskFailed(failure, task: self.taskName))
        default:
            return .failure(WorkerPoolError(code: .conversion, message: "the worker sent an unexpected reply to job \(self.id)"))
        }
    }
}
