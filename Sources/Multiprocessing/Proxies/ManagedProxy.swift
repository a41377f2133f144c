public import Pickle

/// A typed proxy for an object hosted by a manager.
///
/// A proxy is a small value holding an ``ObjectReference``; copies share the reference, and the server's count is
/// given back when the last copy goes away. Proxies are `Codable`: store one in another managed object, or pass it
/// to a child process, and it arrives there as a working proxy of the same object.
public protocol ManagedProxy: Sendable, Codable {
    /// The type id the server creates this kind of object under (`dict`, `Queue`, …).
    static var typeID: String { get }
    /// The Python proxy class written when this proxy is pickled (`multiprocessing.managers.DictProxy`, …), so
    /// that Python processes rebuild it as their own proxy type.
    static var pythonProxyType: PythonGlobal { get }
    /// The reference this proxy holds.
    var reference: ObjectReference { get }
    /// A proxy holding `reference`.
    init(reference: ObjectReference)
}

extension ManagedProxy {
    /// The object id on the server.
    public var objectID: String { self.reference.objectID }

    /// The client this proxy calls through.
    public var client: ManagerClient { self.reference.client }

    /// Encodes the proxy as CPython pickles proxies: `RebuildProxy(…)` with this object's token.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.reference.pythonValue(proxyType: Self.pythonProxyType))
    }

    /// Decodes a proxy from a value read through ``ManagerClient/decode(_:from:)``, which takes a reference to
    /// every proxy in the value before decoding.
    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(PythonValue.self)
        guard case .proxy(let proxy) = value.unwrapped else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "expected a manager proxy, found \(value.typeName)")
            )
        }
        guard let references = ProxyAdoption.current, let reference = references.reference(for: proxy)
        else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "a proxy can only be decoded through ManagerClient.decode(_:from:) or a proxy's own methods"
                )
            )
        }
        self.init(reference: reference)
    }
}

/// The references taken for the proxies inside one value before it is decoded.
///
/// ``ManagerClient/decode(_:from:)`` takes the references (an asynchronous step), then decodes synchronously with
/// them bound to ``current``, where proxies' `init(from:)` find them.
final class ProxyAdoption: Sendable {
    /// The references of the value being decoded by this task.
    @TaskLocal static var current: ProxyAdoption?

    private let references: [String: ObjectReference]

    init(references: [String: ObjectReference]) {
        self.references = references
    }

    func reference(for proxy: PythonProxyReference) -> ObjectReference? {
        self.references[proxy.objectID]
    }
}
