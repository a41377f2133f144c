import Pickle

extension HostedType {
    /// Every `SyncManager` typeid this server hosts natively.
    ///
    /// `Pool` and `AsyncResult` are absent on purpose: they run pickled Python functions inside the server, and
    /// this server never runs code received from the wire (`create('Pool')` explains that to the client).
    /// `Iterator` is not creatable; `dict.__iter__` makes one.
    package static let syncManager: [HostedType] = [
        HostedType(typeID: "Queue", exposed: HostedQueue.exposedNames) { args, _ throws(PythonException) in
            try HostedQueue(typeID: "Queue", args)
        },
        HostedType(typeID: "JoinableQueue", exposed: HostedQueue.exposedNames) { args, _ throws(PythonException) in
            try HostedQueue(typeID: "JoinableQueue", args)
        },
        HostedType(typeID: "Event", exposed: HostedEvent.exposedNames) { args, _ throws(PythonException) in try HostedEvent(args) },
        HostedType(typeID: "Lock", exposed: HostedLock.exposedNames) { args, _ throws(PythonException) in try HostedLock(args) },
        HostedType(typeID: "RLock", exposed: HostedRLock.exposedNames) { args, _ throws(PythonException) in try HostedRLock(args) },
        HostedType(typeID: "Semaphore", exposed: HostedSemaphore.exposedNames) { args, _ throws(PythonException) in
            try HostedSemaphore(bounded: false, args)
        },
        HostedType(typeID: "BoundedSemaphore", exposed: HostedSemaphore.exposedNames) { args, _ throws(PythonException) in
            try HostedSemaphore(bounded: true, args)
        },
        HostedType(typeID: "Condition", exposed: HostedCondition.exposedNames) { args, context throws(PythonException) in
            try HostedCondition(args, in: context)
        },
        HostedType(typeID: "Barrier", exposed: HostedBarrier.exposedNames) { args, _ throws(PythonException) in
            try HostedBarrier(args)
        },
        HostedType(typeID: "list", exposed: HostedList.exposedNames) { args, _ throws(PythonException) in try HostedList(args) },
        HostedType(typeID: "dict", exposed: HostedDict.exposedNames, methodToTypeID: ["__iter__": "Iterator"]) { args, _ throws(PythonException) in try HostedDict(args) },
        HostedType(typeID: "Value", exposed: HostedValue.exposedNames) { args, _ throws(PythonException) in try HostedValue(args) },
        HostedType(typeID: "Array", exposed: HostedArray.exposedNames) { args, _ throws(PythonException) in try HostedArray(args) },
        HostedType(typeID: "Namespace", exposed: HostedNamespace.exposedNames) { args, _ throws(PythonException) in
            try HostedNamespace(args)
        },
    ]
}
