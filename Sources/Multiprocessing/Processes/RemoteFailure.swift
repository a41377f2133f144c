import Pickle

/// An error thrown in another process, as it crosses back: its type's name and its message.
struct RemoteFailure: Sendable {
    var typeName: String
    var message: String

    init(typeName: String, message: String) {
        self.typeName = typeName
        self.message = message
    }

    /// The failure describing `error`: its dynamic type's name and its description.
    init(_ error: any Error) {
        self.typeName = String(describing: type(of: error))
        self.message = String(describing: error)
    }

    /// `TypeName: message`, the last line of a Python traceback.
    var pythonLine: String {
        self.message.isEmpty ? self.typeName : "\(self.typeName): \(self.message)"
    }
}
