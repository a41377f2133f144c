import Pickle

extension PythonException {
    /// `_queue.Empty()`, raised by `Queue.get` on an empty queue.
    package static var queueEmpty: PythonException {
        PythonException(type: PythonGlobal(module: "_queue", name: "Empty"))
    }
    /// `queue.Full()`, raised by `Queue.put` on a full queue.
    package static var queueFull: PythonException { PythonException(type: PythonGlobal(module: "queue", name: "Full")) }
    /// `queue.ShutDown()` (3.13+), raised by a queue after `shutdown()`.
    package static var queueShutDown: PythonException {
        PythonException(type: PythonGlobal(module: "queue", name: "ShutDown"))
    }
    /// `threading.BrokenBarrierError()`.
    package static var brokenBarrier: PythonException {
        PythonException(type: PythonGlobal(module: "threading", name: "BrokenBarrierError"))
    }
    /// `TypeError("cannot pickle 'T' object")`, what CPython's pickler raises for an unpicklable referent.
    package static func cannotPickle(_ typeName: String) -> PythonException {
        .typeError("cannot pickle '\(typeName)' object")
    }
}

/// A stable fake address for `repr`s like `<queue.Queue object at 0x7f3c3d6a8790>`.
package func pythonAddress(of object: AnyObject) -> String {
    "0x" + String(UInt(bitPattern: ObjectIdentifier(object).hashValue), radix: 16)
}
