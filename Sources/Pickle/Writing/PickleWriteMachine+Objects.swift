extension PickleWriteMachine {
    /// An opaque object: its construction, then appended items, set items, and each state with `BUILD`.
    mutating func writeObject(_ object: PythonObject, identity: PythonIdentity?) throws(PickleError) {
        let frameIndex = self.openFrame(.construction(object), identity: identity, countsAsOpen: true)
        try self.writeConstruction(object.construction) { (machine: inout Self, part, value) throws(PickleError) in
            if let frameIndex { machine.path[frameIndex].child = part }
            try machine.write(value)
        }
        if frameIndex != nil, identity != nil { self.openIdentified -= 1 }
        if let identity, let index = self.memo[identity] {
            // A recursive reference wrote the object already: drop our copy and use that one.
            self.emit(.pop)
            self.emitGet(index)
            if let frameIndex { self.path[frameIndex].kind = .memoized(index) }
        } else {
            self.memoizeContainer(frameIndex, identity: identity)
        }
        try self.writeAppends(object.appendedItems)
        try self.writeSetItems(object.setItems.count) { (machine: inout Self, index) throws(PickleError) in
            try machine.write(object.setItems[index].key)
            try machine.write(object.setItems[index].value)
        }
        for state in object.states {
            try self.write(state)
            self.emit(.build)
        }
        self.closeFrame(frameIndex)
    }

    /// The opcodes that construct an object; `writePart` writes each operand (numbered from 0) in order.
    mutating func writeConstruction(
        _ construction: PythonObject.Construction,
        _ writePart: (inout Self, Int, PythonValue) throws(PickleError) -> Void
    ) throws(PickleError) {
        switch construction {
        case .reduce(let callable, let arguments):
            try writePart(&self, 0, callable)
            try writePart(&self, 1, arguments)
            self.emit(.reduce)
        case .newObject(let cls, let arguments):
            try writePart(&self, 0, cls)
            try writePart(&self, 1, arguments)
            self.emit(.newObj)
        case .newObjectEx(let cls, let arguments, let keywords):
            if self.protocolVersion >= 4 {
                try writePart(&self, 0, cls)
                try writePart(&self, 1, arguments)
                try writePart(&self, 2, keywords)
                self.emit(.newObjEx)
            } else {
                try self.writeGlobal(PythonGlobal(module: "copyreg", name: "__newobj_ex__"))
                try writePart(&self, 0, cls)
                try writePart(&self, 1, arguments)
                try writePart(&self, 2, keywords)
                self.emit(.tuple3)
                self.emit(.reduce)
            }
        case .instance(let cls, let arguments):
            guard !cls.module.contains("\n"), !cls.name.contains("\n") else {
                throw PickleError(code: .unencodable, message: "the class name \(cls) contains a newline")
            }
            self.emit(.mark)
            for (index, argument) in arguments.enumerated() {
                try writePart(&self, index + 1, argument)
            }
            self.emit(.inst)
            self.out.append(contentsOf: cls.module.utf8)
            self.out.append(0x0A)
            self.out.append(contentsOf: cls.name.utf8)
            self.out.append(0x0A)
        case .object(let cls, let arguments):
            self.emit(.mark)
            try writePart(&self, 0, cls)
            for (index, argument) in arguments.enumerated() {
                try writePart(&self, index + 1, argument)
            }
            self.emit(.obj)
        }
    }
}
