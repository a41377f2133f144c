import Pickle

extension HostedType {
    /// Every `SyncManager` typeid this server hosts natively.
    ///
    /// `Pool` and `AsyncResult` are absent on purpose: they run pickled Python functions inside the server, and
    /// this server never runs code received from the wire (`create('Pool')` explains that to the client).
    /// `Iterator` is not creatable; `dict.__iter__` makes one.
    ///
    /// Each type reports CPython 3.11's exact exposed tuple and also accepts the names 3.13 and 3.14 clients call.
    package static let syncManager: [HostedType] = [
        HostedType(typeID: "Queue", exposed: HostedQueue.exposedNames) { args, _ throws(PythonException) in
            try HostedQueue(typeID: "Queue", args)
        },
        HostedType(typeID: "JoinableQueue", exposed: HostedQueue.exposedNames) { args, _ throws(PythonException) in
            try HostedQueue(typeID: "JoinableQueue", args)
        },
        HostedType(typeID: "Event", exposed: HostedEvent.exposedNames) { args, _ throws(PythonException) in try HostedEvent(args) },
        HostedType(typeID: "Lock", exposed: ["acquire", "release"], alsoAccepting: ["locked"]) { args, _ throws(PythonException) in try HostedLock(args) },
        HostedType(typeID: "RLock", exposed: ["acquire", "release"], alsoAccepting: ["locked"]) { args, _ throws(PythonException) in try HostedRLock(args) },
        HostedType(typeID: "Semaphore", exposed: ["acquire", "release"], alsoAccepting: ["locked"]) { args, _ throws(PythonException) in
            try HostedSemaphore(bounded: false, args)
        },
        HostedType(typeID: "BoundedSemaphore", exposed: ["acquire", "release"], alsoAccepting: ["locked"]) { args, _ throws(PythonException) in
            try HostedSemaphore(bounded: true, args)
        },
        HostedType(typeID: "Condition", exposed: ["acquire", "release", "wait", "notify", "notify_all"], alsoAccepting: ["locked"]) { args, context throws(PythonException) in
            try HostedCondition(args, in: context)
        },
        HostedType(typeID: "Barrier", exposed: HostedBarrier.exposedNames) { args, _ throws(PythonException) in
            try HostedBarrier(args)
        },
        HostedType(typeID: "list", exposed: Array(HostedList.exposedNames.prefix(19)), alsoAccepting: ["clear", "copy"]) { args, _ throws(PythonException) in try HostedList(args) },
        HostedType(typeID: "dict", exposed: Array(HostedDict.exposedNames.prefix(17)),
            alsoAccepting: HostedDict.exposedNames.dropFirst(17) + HostedDict.swiftExtensions,
            methodToTypeID: ["__iter__": "Iterator"]) { args, _ throws(PythonException) in try HostedDict(args) },
        HostedType(typeID: "Value", exposed: HostedValue.exposedNames) { args, _ throws(PythonException) in try HostedValue(args) },
        HostedType(typeID: "Array", exposed: HostedArray.exposedNames) { args, _ throws(PythonException) in try HostedArray(args) },
        HostedType(typeID: "set", exposed: HostedSet.exposedNames) { args, _ throws(PythonException) in try HostedSet(args) },
        HostedType(typeID: "Namespace", exposed: HostedNamespace.exposedNames) { args, _ throws(PythonException) in
            try HostedNamespace(args)
        },
    ]
}

extension HostedType {
    /// The SyncManager type registered under `typeID`, if any.
    package static func syncManagerType(_ typeID: String) -> HostedType? {
        Self.syncManager.first { $0.typeID == typeID }
    }
}
