import Pickle

/// The typeids a server can create, each with its exposed tuple and a factory.
package struct HostedTypeRegistry: Sendable {
    /// Creates a referent from the `create` call's arguments.
    package typealias Factory = @Sendable (CallArguments, any StoreContext) throws(PythonException) -> any HostedObject

    /// One creatable typeid.
    package struct Entry: Sendable {
        /// The exposed tuple `create` reports.
        package var exposed: [String]
        /// Makes a new referent.
        package var make: Factory

        /// An entry.
        package init(exposed: [String], make: @escaping Factory) {
            self.exposed = exposed
            self.make = make
        }
    }

    /// The entries by typeid.
    package var entries: [String: Entry]

    /// A registry with `entries`.
    package init(entries: [String: Entry] = [:]) {
        self.entries = entries
    }

    /// The entry for `typeID`, if registered.
    package subscript(typeID: String) -> Entry? {
        self.entries[typeID]
    }

    /// Every `SyncManager` typeid this server hosts natively (not `Pool`/`AsyncResult`).
    package static let syncManager = HostedTypeRegistry(entries: [
        "Queue": Entry(exposed: HostedQueue.exposedNames) { args, _ throws(PythonException) in
            try HostedQueue(typeID: "Queue", args)
        },
        "JoinableQueue": Entry(exposed: HostedQueue.exposedNames) { args, _ throws(PythonException) in
            try HostedQueue(typeID: "JoinableQueue", args)
        },
        "Event": Entry(exposed: HostedEvent.exposedNames) { args, _ throws(PythonException) in try HostedEvent(args) },
        "Lock": Entry(exposed: HostedLock.exposedNames) { args, _ throws(PythonException) in try HostedLock(args) },
        "RLock": Entry(exposed: HostedRLock.exposedNames) { args, _ throws(PythonException) in try HostedRLock(args) },
        "Semaphore": Entry(exposed: HostedSemaphore.exposedNames) { args, _ throws(PythonException) in
            try HostedSemaphore(bounded: false, args)
        },
        "BoundedSemaphore": Entry(exposed: HostedSemaphore.exposedNames) { args, _ throws(PythonException) in
            try HostedSemaphore(bounded: true, args)
        },
        "Condition": Entry(exposed: HostedCondition.exposedNames) { args, context throws(PythonException) in
            try HostedCondition(args, in: context)
        },
        "Barrier": Entry(exposed: HostedBarrier.exposedNames) { args, _ throws(PythonException) in
            try HostedBarrier(args)
        },
        "list": Entry(exposed: HostedList.exposedNames) { args, _ throws(PythonException) in try HostedList(args) },
        "dict": Entry(exposed: HostedDict.exposedNames) { args, _ throws(PythonException) in try HostedDict(args) },
        "Value": Entry(exposed: HostedValue.exposedNames) { args, _ throws(PythonException) in try HostedValue(args) },
        "Array": Entry(exposed: HostedArray.exposedNames) { args, _ throws(PythonException) in try HostedArray(args) },
        "set": Entry(exposed: HostedSet.exposedNames) { args, _ throws(PythonException) in try HostedSet(args) },
        "Namespace": Entry(exposed: HostedNamespace.exposedNames) { args, _ throws(PythonException) in
            try HostedNamespace(args)
        },
    ])
}
