import NIOCore
import Pickle

extension ObjectStore {
    /// A connection opened; `process` is its peer's process id when the socket tells it (Unix sockets).
    package func connectionOpened(_ connection: ConnectionID, process: Int32?) {
        self.eventLoop.preconditionInEventLoop()
        if let process {
            self.peerProcesses[connection] = process
        }
    }

    /// A connection closed: give back what it held and forget what it waited for.
    ///
    /// CPython does nothing here, so a worker killed while holding a lock blocks everyone forever and a killed
    /// `Queue.get` can swallow an item. This store drops the connection's parked calls first (so no item is
    /// handed to a client that is gone), then lets every object it touched release what it holds (waking the next
    /// waiters), then gives back the references the connection owned.
    ///
    /// Cost: proportional to the number of objects for a method channel, nothing for CPython's one-shot
    /// connections (which call no methods).
    package func connectionClosed(_ connection: ConnectionID) {
        self.eventLoop.preconditionInEventLoop()
        for waiter in self.parkedCallsByConnection.removeValue(forKey: connection) ?? [] {
            self.parkedCalls.removeValue(forKey: waiter)?.timeout?.cancel()
        }
        // Closed while the store was delivering a reply (to this connection, whose peer has died): an object may be
        // in the middle of a change (handing its Lock to a waiter), and releasing what this connection holds would
        // change it again before that change finished. Its parked calls are gone already, so no value can be
        // handed to it; the rest waits until the operation in progress has finished.
        guard self.deliveriesInProgress == 0 else {
            let store = NIOLoopBound(self, eventLoop: self.eventLoop)
            self.eventLoop.execute { store.value.releaseHoldings(of: connection) }
            return
        }
        self.releaseHoldings(of: connection)
    }

    /// Gives back what a closed connection held: what it owns in every object it may have touched, and its
    /// references.
    private func releaseHoldings(of connection: ConnectionID) {
        // A method channel may hold things in objects it never called directly (the Lock behind a Condition it
        // acquired), so every object hears of it; one-shot connections call no methods and skip this.
        let process = self.peerProcesses.removeValue(forKey: connection)
        let wasMethodChannel = self.callers.remove(connection) != nil
        let visit = wasMethodChannel ? self.entries.keys.sorted() : []
        // Release only what a client abandoned. A Python process that exits normally gives back its references
        // (`decref` from its finalizers) before its channels close, and may legitimately leave a Lock held for
        // another process to release (CPython's own tests do); a killed process leaves its references behind.
        // When the peer process is unknown (TCP), every closed channel counts as abandoned.
        let abandoned = process.map { self.processReferences[$0] != nil } ?? true
        for id in abandoned ? visit : [] {
            guard let entry = self.entries[id] else { continue }
            self.current = CurrentCall(connection: connection, objectID: id, reply: .discard)
            let released = entry.object.connectionClosed(connection, in: self)
            self.current = nil
            for line in released {
                // A registered type id and the object's line may carry text a client chose.
                self.logger.notice(
                    "\(LogEscaping.escaped(line)) after the client went away",
                    metadata: [
                        "object": "\(id)", "typeid": "\(LogEscaping.escaped(entry.typeID))", "peer": "\(connection)",
                    ]
                )
            }
        }
        if let process, wasMethodChannel, !self.peerProcesses.values.contains(process) {
            // The process's last channel: it has gone (or will open new connections, which start counting anew).
            self.processReferences[process] = nil
        }
        for (id, count) in self.referencesOwned.removeValue(forKey: connection) ?? [:] {
            for _ in 0..<count {
                self.releaseReference(to: id)
            }
            // Routine: every client that exits without releasing its proxies first ends this way.
            self.logger.debug(
                "gave back \(count) reference(s) held by a closed connection",
                metadata: ["object": "\(id)", "peer": "\(connection)"]
            )
        }
    }

    /// Schedules a reclaim pass if some object's count fell to zero.
    func scheduleReclaimIfNeeded() {
        if !self.reclaimCandidates.isEmpty {
            self.scheduleReclaim()
        }
    }

    /// Runs ``reclaim()`` soon, coalescing the requests of a burst of calls into one pass.
    func scheduleReclaim() {
        guard !self.reclaimScheduled else { return }
        self.reclaimScheduled = true
        self.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(10)) { [self] in
            self.reclaimScheduled = false
            self.reclaim()
        }
    }

    /// Removes objects that no client holds and no stored proxy of a live object reaches.
    ///
    /// Candidates that are still reachable stay candidates: a later pass frees them once the last stored proxy
    /// to them is removed.
    ///
    /// Objects with a client count are the roots; stored proxies (reported by each object's
    /// ``HostedObject/forEachReferencedObjectID(_:)``) are the edges. A nested referent therefore lives exactly as
    /// long as some stored value reaches it (CPython keeps it forever).
    func reclaim() {
        guard !self.reclaimCandidates.isEmpty else { return }
        var reachable = Set<String>()
        var pending = self.entries.compactMap { $0.value.refcount > 0 ? $0.key : nil }
        reachable.formUnion(pending)
        while let id = pending.popLast() {
            self.entries[id]?.object.forEachReferencedObjectID { referenced in
                if self.entries[referenced] != nil, reachable.insert(referenced).inserted {
                    pending.append(referenced)
                }
            }
        }
        let unreachable = self.entries.keys.filter { !reachable.contains($0) }
        self.reclaimCandidates.subtract(unreachable)
        for id in unreachable {
            guard let entry = self.entries.removeValue(forKey: id) else { continue }
            for (waiter, parked) in self.parkedCalls where parked.objectID == id {
                self.parkedCalls.removeValue(forKey: waiter)
                parked.timeout?.cancel()
                self.parkedCallsByConnection[parked.connection]?.remove(waiter)
                let context = "the object was released while a call waited on it"
                parked.reply.deliver(.traceback(for: .keyError(.string(id)), context: context), from: self)
            }
            self.logger.debug(
                "released object",
                metadata: ["object": "\(id)", "typeid": "\(LogEscaping.escaped(entry.typeID))"]
            )
        }
    }
}
