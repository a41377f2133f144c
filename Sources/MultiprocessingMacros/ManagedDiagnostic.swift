import SwiftDiagnostics

/// A mistake in a type marked `@Managed`, reported at the declaration that causes it.
struct ManagedDiagnostic: DiagnosticMessage, Error {
    let message: String
    let diagnosticID: MessageID
    let severity: DiagnosticSeverity

    private init(_ id: String, _ message: String) {
        self.message = message
        self.diagnosticID = MessageID(domain: "MultiprocessingMacros", id: id)
        self.severity = .error
    }

    static let notAnActor = ManagedDiagnostic(
        "notAnActor",
        "@Managed applies to actors: calls from many clients must run one at a time"
    )

    static func literalArgument(_ label: String) -> ManagedDiagnostic {
        let form = label == "methodToTypeID" ? "a dictionary literal of string literals" : "a string literal or an array of them"
        return ManagedDiagnostic("literalArgument", "@Managed's '\(label)' argument must be written as \(form)")
    }

    static func unknownMappedMethod(_ name: String, typeName: String) -> ManagedDiagnostic {
        ManagedDiagnostic(
            "unknownMappedMethod",
            "'\(name)' is listed in 'methodToTypeID' but is not an exposed method of \(typeName)"
        )
    }

    static func mappedMethodReturnsNothing(_ name: String) -> ManagedDiagnostic {
        ManagedDiagnostic(
            "mappedMethodReturnsNothing",
            "'\(name)' is listed in 'methodToTypeID' but returns nothing; it must return the object (or the value) to host"
        )
    }

    static func unknownExposedName(_ name: String, typeName: String) -> ManagedDiagnostic {
        ManagedDiagnostic(
            "unknownExposedName",
            "'\(name)' is listed in 'exposing' but \(typeName) has no instance method or property of that name"
        )
    }

    static func duplicateName(_ name: String) -> ManagedDiagnostic {
        ManagedDiagnostic(
            "duplicateName",
            "more than one exposed member is named '\(name)'; Python calls methods by name alone, so rename or hide all but one"
        )
    }

    static func reservedName(_ name: String) -> ManagedDiagnostic {
        ManagedDiagnostic(
            "reservedName",
            "'\(name)' cannot be exposed: the generated Proxy uses that name; rename the member or hide it"
        )
    }

    static func unsupportedParameter(_ name: String, _ reason: String) -> ManagedDiagnostic {
        ManagedDiagnostic("unsupportedParameter", "parameter '\(name)' cannot be passed by a client: \(reason)")
    }

    static let genericMethod = ManagedDiagnostic(
        "genericMethod",
        "a generic method cannot be exposed: a client's arguments need concrete Decodable types"
    )

    static func missingType(_ name: String) -> ManagedDiagnostic {
        ManagedDiagnostic(
            "missingType",
            "exposed property '\(name)' needs a type annotation (for example 'var \(name): String')"
        )
    }

    static let severalInitializers = ManagedDiagnostic(
        "severalInitializers",
        "several initializers: mark the one clients create instances with as @ManagedExposed"
    )

    static let unsupportedInitializer = ManagedDiagnostic(
        "unsupportedInitializer",
        "clients cannot create instances through a failable or async initializer; add a plain (optionally throwing) one"
    )
}
