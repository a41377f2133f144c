import ManagerWire
import NIOCore
import NIOPosix
import Testing

@Suite("ChannelTuning", .timeLimit(.minutes(1)))
struct ChannelTuningTests {
    @Test("configureAccepted sets TCP_NODELAY on accepted TCP channels")
    func setsNoDelay() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let accepted = group.next().makePromise(of: Int.self)
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelTuning.noDelay, value: 0)
            .childChannelOption(ChannelTuning.noDelay, value: 0)
            .childChannelInitializer { channel in
                ChannelTuning.configureAccepted(channel).flatMap {
                    channel.getOption(ChannelTuning.noDelay)
                }.map { value in
                    accepted.succeed(Int(value))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let port = try #require(server.localAddress?.port)
        let client = try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port).get()
        #expect(try await accepted.futureResult.get() != 0)
        try await client.close()
        try await server.close()
    }
}
