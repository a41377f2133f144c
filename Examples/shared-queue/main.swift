// A managed queue shared by a producer and a consumer process: the Swift port of the classic Python program
//
//     def producer(queue):
//         print('Producer: Running', flush=True)
//         for i in range(10):
//             queue.put(i)
//         queue.put(None)
//         print('Producer: Done', flush=True)
//
//     def consumer(queue):
//         print('Consumer: Running', flush=True)
//         while True:
//             item = queue.get()
//             if item is None:
//                 break
//             print(f'>got {item}', flush=True)
//         print('Consumer: Done', flush=True)
//
//     if __name__ == '__main__':
//         with Manager() as manager:
//             queue = manager.Queue()
//             consumer_process = Process(target=consumer, args=(queue,))
//             consumer_process.start()
//             producer_process = Process(target=producer, args=(queue,))
//             producer_process.start()
//             producer_process.join()
//             consumer_process.join()
//
// (The original sleeps a random time before each item; the items here are 0 to 9, so the output can be checked.)
import Multiprocessing

/// Puts 0 to 9 on the queue, then `None`.
struct Producer: ProcessTask {
    static func run(_ queue: QueueProxy<Int?>) async throws {
        print("Producer: Running")
        for item in 0..<10 {
            try await queue.put(item)
        }
        try await queue.put(nil)
        print("Producer: Done")
    }
}

/// Gets items until `None` and prints each.
struct Consumer: ProcessTask {
    static func run(_ queue: QueueProxy<Int?>) async throws {
        print("Consumer: Running")
        while let item = try await queue.get() {
            print(">got \(item)")
        }
        print("Consumer: Done")
    }
}

// A child is this program started again: hand it to the library before anything else.
await ProcessRole.bootstrap(tasks: [Producer.self, Consumer.self])

try await withManager(inProcess: true) { manager in
    let queue: QueueProxy<Int?> = try await manager.client.queue()
    let consumer = try ChildProcess.start(Consumer.self, arguments: queue)
    let producer = try ChildProcess.start(Producer.self, arguments: queue)
    await producer.join()
    await consumer.join()
}
