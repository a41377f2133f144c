import Testing

@testable import Pickle

/// The decoder's working arrays start in lent memory and must keep and release every element as they grow.
@Suite("Scratch buffer")
struct ScratchBufferTests {
    /// Counts its live instances, to show that the buffer releases what it holds exactly once.
    final class Tracked {
        nonisolated(unsafe) static var live = 0
        let value: Int
        init(_ value: Int) {
            self.value = value
            Self.live += 1
        }
        deinit { Self.live -= 1 }
    }

    @Test("keeps its elements in order while it outgrows the lent storage, and releases them all")
    func growsAndReleases() {
        let before = Tracked.live
        withUnsafeTemporaryAllocation(of: Tracked.self, capacity: 2) { storage in
            var buffer = ScratchBuffer(lending: storage)
            for value in 0..<100 {
                buffer.append(Tracked(value))
            }
            buffer.insert(Tracked(-1), at: 0)
            #expect(buffer.count == 101)
            #expect(buffer[0].value == -1)
            #expect((1..<101).allSatisfy { buffer[$0].value == $0 - 1 })
            #expect(buffer.last?.value == 99)
            #expect(buffer.removeLast().value == 99)
            (buffer.base + 50).deinitialize(count: 50)
            buffer.removeMoved(from: 50)
            #expect(buffer.count == 50)
            #expect(Tracked.live - before == 50)
        }
        #expect(Tracked.live == before)
    }
}
