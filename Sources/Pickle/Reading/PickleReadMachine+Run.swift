extension PickleReadMachine {
    /// Runs opcodes up to `STOP` and returns the item on top of the stack.
    mutating func run() throws(PickleError) -> DecodingItem {
        while true {
            self.opcodeOffset = self.position
            let byte = try self.readByte()
            guard let opcode = Opcode(rawValue: byte) else {
                throw self.error(
                    .unknownOpcode,
                    "byte 0x\(String(byte, radix: 16)) is not a pickle opcode; the data is not a pickle or is corrupt"
                )
            }
            if opcode == .stop {
                return try self.pop()
            }
            try self.execute(opcode)
        }
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    mutating func execute(_ opcode: Opcode) throws(PickleError) {
        switch opcode {
        case .stop:
            break
        case .proto:
            let version = try self.readByte()
            guard version <= 5 else {
                throw self.error(.invalidValue, "unsupported pickle protocol \(version); protocols 0 to 5 are read")
            }
            self.protocolVersion = Int(version)
        case .frame:
            _ = try self.readLength64()
        case .mark:
            self.marks.append(self.stack.count)
        case .pop:
            if self.stack.count > self.fence {
                self.stack.removeLast()
            } else if !self.marks.isEmpty {
                self.marks.removeLast()
            } else {
                throw self.error(.stackUnderflow, "POP on an empty stack")
            }
        case .popMark:
            _ = try self.popMark()
        case .dup:
            let top = try self.top()
            self.noteRepeated(top)
            self.push(top)
        case .none:
            self.push(.scalar(.none))
        case .newTrue:
            self.push(.scalar(.bool(true)))
        case .newFalse:
            self.push(.scalar(.bool(false)))
        case .binInt:
            self.push(.scalar(.int(Int(Int32(bitPattern: try self.readUInt32())))))
        case .binInt1:
            self.push(.scalar(.int(Int(try self.readByte()))))
        case .binInt2:
            self.push(.scalar(.int(try self.readUInt16())))
        case .long1:
            let count = Int(try self.readByte())
            self.push(.scalar(decodeLittleEndianSigned(try self.readBytes(count))))
        case .long4:
            let count = Int(Int32(bitPattern: try self.readUInt32()))
            guard count >= 0 else {
                throw self.error(.invalidValue, "LONG4 declares a negative byte count \(count)")
            }
            guard count <= self.limits.maxIntegerBytes else {
                throw self.error(
                    .limitExceeded,
                    "an integer of \(count) bytes exceeds maxIntegerBytes (\(self.limits.maxIntegerBytes))"
                )
            }
            self.push(.scalar(decodeLittleEndianSigned(try self.readBytes(count))))
        case .int:
            self.push(.scalar(try self.parseIntLine(isLong: false)))
        case .long:
            self.push(.scalar(try self.parseIntLine(isLong: true)))
        case .float:
            self.push(.scalar(.float(self.nanTags.tagged(try self.parseFloatLine()))))
        case .binFloat:
            let bytes = try self.readBytes(8)
            let bits = UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self))
            self.push(.scalar(.float(self.nanTags.tagged(Double(bitPattern: bits)))))
        case .string:
            self.push(.scalar(try self.parseStringLine()))
        case .binString:
            let count = Int(Int32(bitPattern: try self.readUInt32()))
            guard count >= 0 else {
                throw self.error(.invalidValue, "BINSTRING declares a negative length \(count)")
            }
            self.push(.scalar(decodeLatin1(try self.readBytes(count))))
        case .shortBinString:
            let count = Int(try self.readByte())
            self.push(.scalar(decodeLatin1(try self.readBytes(count))))
        case .unicode:
            self.push(.scalar(try self.parseRawUnicodeEscape(try self.readLine())))
        case .binUnicode:
            let count = Int(try self.readUInt32())
            self.push(.scalar(try self.decodeUTF8(try self.readBytes(count))))
        case .shortBinUnicode:
            let count = Int(try self.readByte())
            self.push(.scalar(try self.decodeUTF8(try self.readBytes(count))))
        case .binUnicode8:
            let count = try self.readLength64()
            self.push(.scalar(try self.decodeUTF8(try self.readBytes(count))))
        case .binBytes:
            let count = Int(try self.readUInt32())
            self.push(.scalar(.bytes(Array(try self.readBytes(count)))))
        case .shortBinBytes:
            let count = Int(try self.readByte())
            self.push(.scalar(.bytes(Array(try self.readBytes(count)))))
        case .binBytes8:
            let count = try self.readLength64()
            self.push(.scalar(.bytes(Array(try self.readBytes(count)))))
        case .byteArray8:
            let count = try self.readLength64()
            self.push(.scalar(.byteArray(Array(try self.readBytes(count)))))
        case .nextBuffer:
            guard let buffers = self.buffers else {
                throw self.error(
                    .unsupported,
                    "NEXT_BUFFER needs out-of-band buffers; pass them with read(_:outOfBandBuffers:)"
                )
            }
            guard self.nextBuffer < buffers.count else {
                throw self.error(.invalidValue, "NEXT_BUFFER: all \(buffers.count) out-of-band buffers are used up")
            }
            self.push(.scalar(.byteArray(buffers[self.nextBuffer])))
            self.nextBuffer += 1
        case .readonlyBuffer:
            let item = try self.pop()
            if case .value(.byteArray(let bytes), _) = item {
                self.push(.scalar(.bytes(bytes)))
            } else {
                self.push(item)
            }
        case .emptyList:
            self.push(.node(self.makeNode(.list)))
        case .list:
            self.push(.node(self.makeNode(.list, try self.popMark())))
        case .append:
            let value = try self.pop()
            try self.append([value], to: try self.top())
        case .appends:
            let items = try self.popMark()
            try self.append(items, to: try self.top())
        case .emptyTuple:
            self.push(.value(.tuple([]), depth: 1))
        case .tuple:
            self.push(try self.makeTuple(try self.popMark()))
        case .tuple1:
            let a = try self.pop()
            self.push(try self.makeTuple([a]))
        case .tuple2:
            let b = try self.pop()
            let a = try self.pop()
            self.push(try self.makeTuple([a, b]))
        case .tuple3:
            let c = try self.pop()
            let b = try self.pop()
            let a = try self.pop()
            self.push(try self.makeTuple([a, b, c]))
        case .emptyDict:
            self.push(.node(self.makeNode(.dict)))
        case .dict:
            let items = try self.popMark()
            guard items.count % 2 == 0 else {
                throw self.error(.invalidValue, "DICT has an odd number of items (a key without a value)")
            }
            self.push(.node(self.makeNode(.dict, items)))
        case .setItem:
            let value = try self.pop()
            let key = try self.pop()
            try self.setItems([key, value], on: try self.top())
        case .setItems:
            let items = try self.popMark()
            guard items.count % 2 == 0 else {
                throw self.error(.invalidValue, "SETITEMS has an odd number of items (a key without a value)")
            }
            try self.setItems(items, on: try self.top())
        case .emptySet:
            self.push(.node(self.makeNode(.set)))
        case .addItems:
            let items = try self.popMark()
            let target = try self.top()
            guard case .node(let node) = target, case .set = node.kind else {
                throw self.error(.invalidValue, "ADDITEMS applies to a set, not to a \(self.kindName(target))")
            }
            node.items.append(contentsOf: items)
            try self.checkLength(node.items.count)
        case .frozenSet:
            self.push(try self.makeFrozenSet(try self.popMark()))
        case .get:
            self.push(try self.memoFetch(try self.parseIndexLine()))
        case .binGet:
            self.push(try self.memoFetch(Int(try self.readByte())))
        case .longBinGet:
            self.push(try self.memoFetch(Int(try self.readUInt32())))
        case .put:
            try self.put(try self.parseIndexLine())
        case .binPut:
            try self.put(Int(try self.readByte()))
        case .longBinPut:
            try self.put(Int(try self.readUInt32()))
        case .memoize:
            try self.memoStore(self.memoCount, try self.top())
        case .global:
            let module = try self.decodeName(try self.readLine())
            let name = try self.decodeName(try self.readLine())
            self.push(.scalar(.global(self.resolveGlobal(module: module, name: name))))
        case .stackGlobal:
            let name = try self.pop()
            let module = try self.pop()
            guard case .value(.string(let nameText), _) = name, case .value(.string(let moduleText), _) = module
            else {
                throw self.error(.invalidValue, "STACK_GLOBAL needs two str operands (module and name)")
            }
            self.push(.scalar(.global(self.resolveGlobal(module: moduleText, name: nameText))))
        case .ext1:
            try self.pushExtension(Int(try self.readByte()))
        case .ext2:
            try self.pushExtension(try self.readUInt16())
        case .ext4:
            try self.pushExtension(Int(Int32(bitPattern: try self.readUInt32())))
        case .reduce:
            let arguments = try self.pop()
            let callable = try self.pop()
            self.push(try self.reduce(callable: callable, arguments: arguments))
        case .build:
            let state = try self.pop()
            let target = try self.top()
            guard case .node(let node) = target, case .object = node.kind else {
                throw self.error(.invalidValue, "BUILD applies to an object, not to a \(self.kindName(target))")
            }
            node.states.append(state)
        case .inst:
            let module = try self.decodeName(try self.readLine())
            let name = try self.decodeName(try self.readLine())
            let arguments = try self.popMark()
            let cls = self.resolveGlobal(module: module, name: name)
            self.push(self.makeObject(.instance(cls: cls, arguments: arguments)))
        case .obj:
            var items = try self.popMark()
            guard !items.isEmpty else {
                throw self.error(.stackUnderflow, "OBJ needs a class after its MARK")
            }
            let cls = items.removeFirst()
            self.push(self.makeObject(.object(cls: cls, arguments: items)))
        case .newObj:
            let arguments = try self.pop()
            let cls = try self.pop()
            self.push(self.makeObject(.newObject(cls: cls, arguments: arguments)))
        case .newObjEx:
            let keywords = try self.pop()
            let arguments = try self.pop()
            let cls = try self.pop()
            self.push(self.makeObject(.newObjectEx(cls: cls, arguments: arguments, keywords: keywords)))
        case .persID:
            let line = try self.readLine()
            guard let text = String(validating: line, as: Unicode.ASCII.self) else {
                throw self.error(.invalidValue, "PERSID argument is not ASCII text")
            }
            self.push(.value(.persistentID(.string(text)), depth: 1))
        case .binPersID:
            let pid = try self.pop()
            switch pid {
            case .value(let value, let depth):
                self.push(try self.checkedValue(.persistentID(value), depth: depth + 1))
            case .node:
                self.push(.node(self.makeNode(.persistentID, [pid])))
            }
        }
    }
}
