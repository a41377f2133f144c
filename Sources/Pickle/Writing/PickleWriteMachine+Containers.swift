extension PickleWriteMachine {
    /// Opens a path frame when tracking is on or the value has an identity; returns the frame's index.
    @inline(__always)
    mutating func openFrame(_ kind: PathFrame.Kind, identity: PythonIdentity?, countsAsOpen: Bool) -> Int? {
        guard identity != nil || self.isTracking else { return nil }
        self.path.append(PathFrame(kind: kind, identity: identity))
        if identity != nil, countsAsOpen { self.openIdentified += 1 }
        return self.path.count - 1
    }

    @inline(__always)
    mutating func closeFrame(_ frameIndex: Int?) {
        guard let frameIndex else { return }
        self.path.removeSubrange(frameIndex...)
    }

    /// Memoizes a just-created container when it is shared or tracked, and marks its frame memoized.
    @inline(__always)
    mutating func memoizeContainer(_ frameIndex: Int?, identity: PythonIdentity?) {
        guard let frameIndex else { return }
        let index = self.memoize()
        if let identity { self.memo[identity] = index }
        self.path[frameIndex].kind = .memoized(index)
    }

    mutating func emitTupleEnd(count: Int) {
        switch count {
        case 0: self.emit(.emptyTuple)
        case 1: self.emit(.tuple1)
        case 2: self.emit(.tuple2)
        case 3: self.emit(.tuple3)
        default: self.emit(.tuple)
        }
    }

    mutating func writeTuple(_ elements: [PythonValue], identity: PythonIdentity?) throws(PickleError) {
        if elements.isEmpty {
            self.emit(.emptyTuple)
            self.memoizeIfShared(identity)
            return
        }
        let frameIndex = self.openFrame(.tuple(elements), identity: identity, countsAsOpen: true)
        let useMark = elements.count > 3
        if useMark { self.emit(.mark) }
        for (index, element) in elements.enumerated() {
            if let frameIndex { self.path[frameIndex].child = index }
            try self.write(element)
        }
        if frameIndex != nil, identity != nil { self.openIdentified -= 1 }
        self.closeFrame(frameIndex)
        if let identity, let index = self.memo[identity] {
            // A recursive reference wrote this tuple already: drop our copy and use that one.
            if useMark {
                self.emit(.popMark)
            } else {
                for _ in 0..<elements.count { self.emit(.pop) }
            }
            self.emitGet(index)
            return
        }
        if useMark {
            self.emit(.tuple)
        } else {
            self.emitTupleEnd(count: elements.count)
        }
        self.memoizeIfShared(identity)
    }

    mutating func writeList(_ elements: [PythonValue], identity: PythonIdentity?) throws(PickleError) {
        self.emit(.emptyList)
        let frameIndex = self.openFrame(.opaque, identity: identity, countsAsOpen: false)
        self.memoizeContainer(frameIndex, identity: identity)
        try self.writeAppends(elements)
        self.closeFrame(frameIndex)
    }

    /// `APPEND` for a single item, `MARK … APPENDS` in batches otherwise.
    mutating func writeAppends(_ elements: [PythonValue]) throws(PickleError) {
        var start = 0
        while start < elements.count {
            let end = Swift.min(start + Self.batchSize, elements.count)
            if end - start == 1 {
                try self.write(elements[start])
                self.emit(.append)
            } else {
                self.emit(.mark)
                for index in start..<end { try self.write(elements[index]) }
                self.emit(.appends)
            }
            start = end
        }
    }

    mutating func writeDict(_ dict: PythonDict, identity: PythonIdentity?) throws(PickleError) {
        self.emit(.emptyDict)
        let frameIndex = self.openFrame(.opaque, identity: identity, countsAsOpen: false)
        self.memoizeContainer(frameIndex, identity: identity)
        try self.writeSetItems(dict.storage.count) { (machine: inout Self, index) throws(PickleError) in
            let element = dict.storage.elements[index]
            try machine.write(element.key)
            try machine.write(element.value)
        }
        self.closeFrame(frameIndex)
    }

    /// `SETITEM` for a single item, `MARK … SETITEMS` in batches otherwise.
    mutating func writeSetItems(
        _ count: Int,
        _ writeItem: (inout Self, Int) throws(PickleError) -> Void
    ) throws(PickleError) {
        var start = 0
        while start < count {
            let end = Swift.min(start + Self.batchSize, count)
            if end - start == 1 {
                try writeItem(&self, start)
                self.emit(.setItem)
            } else {
                self.emit(.mark)
                for index in start..<end { try writeItem(&self, index) }
                self.emit(.setItems)
            }
            start = end
        }
    }

    /// `EMPTY_SET` + `ADDITEMS` from protocol 4; `builtins.set` `REDUCE` of a list before.
    mutating func writeSet(_ set: PythonSet, identity: PythonIdentity?) throws(PickleError) {
        let elements = set.elements
        if self.protocolVersion >= 4 {
            self.emit(.emptySet)
            let frameIndex = self.openFrame(.opaque, identity: identity, countsAsOpen: false)
            self.memoizeContainer(frameIndex, identity: identity)
            var start = 0
            while start < elements.count {
                let end = Swift.min(start + Self.batchSize, elements.count)
                self.emit(.mark)
                for index in start..<end { try self.write(elements[index]) }
                self.emit(.addItems)
                start = end
            }
            self.closeFrame(frameIndex)
            return
        }
        try self.writeReducedCollection("set", elements, identity: identity)
    }

    /// `MARK … FROZENSET` from protocol 4; `builtins.frozenset` `REDUCE` of a list before.
    mutating func writeFrozenSet(_ set: PythonSet, identity: PythonIdentity?) throws(PickleError) {
        let elements = set.elements
        guard self.protocolVersion >= 4 else {
            try self.writeReducedCollection("frozenset", elements, identity: identity)
            return
        }
        let frameIndex = self.openFrame(.opaque, identity: identity, countsAsOpen: false)
        self.emit(.mark)
        for element in elements { try self.write(element) }
        self.closeFrame(frameIndex)
        if let identity, let index = self.memo[identity] {
            self.emit(.popMark)
            self.emitGet(index)
            return
        }
        self.emit(.frozenSet)
        self.memoizeIfShared(identity)
    }

    /// `builtins.NAME([elements])`, the protocol 2–3 form of `set` and `frozenset`.
    private mutating func writeReducedCollection(
        _ name: String,
        _ elements: [PythonValue],
        identity: PythonIdentity?
    ) throws(PickleError) {
        let frameIndex = self.openFrame(.opaque, identity: identity, countsAsOpen: false)
        try self.writeGlobal(.builtin(name))
        self.emit(.emptyList)
        try self.writeAppends(elements)
        self.emit(.tuple1)
        self.emit(.reduce)
        self.memoizeContainer(frameIndex, identity: identity)
        self.closeFrame(frameIndex)
    }

    mutating func writePersistentID(_ pid: PythonValue) throws(PickleError) {
        let frameIndex = self.openFrame(.opaque, identity: nil, countsAsOpen: false)
        try self.write(pid)
        self.closeFrame(frameIndex)
        self.emit(.binPersID)
    }

    /// A manager proxy in exactly the form of PROTOCOL.md §7.1.
    mutating func writeProxy(_ proxy: PythonProxyReference) throws(PickleError) {
        try self.writeGlobal(.managers("RebuildProxy"))
        self.emit(.mark)
        try self.writeGlobal(proxy.proxyType)
        try self.writeGlobal(.managers("Token"))
        self.emit(.emptyTuple)
        self.emit(.newObj)
        try self.writeString(proxy.typeID)
        try self.write(proxy.address)
        try self.writeString(proxy.objectID)
        self.emit(.tuple3)
        self.emit(.build)
        try self.writeString(proxy.serializer)
        try self.writeDict(proxy.keywords, identity: nil)
        self.emit(.tuple)
        self.emit(.reduce)
    }
}
