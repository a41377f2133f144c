/// Limits how many test servers run at once, so parallel tests do not starve each other's handshakes on a small
/// machine (every CPython server is a process; every swift-multiprocessing server has its own threads).
actor ServerSlots {
    static let shared = ServerSlots(count: 4)

    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(count: Int) {
        self.available = count
    }

    /// Takes a slot, waiting for one to be given back if none is free.
    func take() async {
        if self.available > 0 {
            self.available -= 1
            return
        }
        await withCheckedContinuation { self.waiters.append($0) }
    }

    /// Gives a slot back, to the longest waiter if there is one.
    func giveBack() {
        if self.waiters.isEmpty {
            self.available += 1
        } else {
            self.waiters.removeFirst().resume()
        }
    }
}
