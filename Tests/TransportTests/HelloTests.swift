import NIOCore
import Testing
@testable import Transport

@Suite struct HelloTests {
    static func payload(of hello: Hello) -> ByteBuffer {
        var frame = hello.encodedFrame(allocator: ByteBufferAllocator())
        #expect(frame.readInteger(endianness: .big, as: UInt32.self) == UInt32(Hello.payloadSizeBytes))
        return frame
    }

    @Test(arguments: [UInt64(0), 1, 42, UInt64.max])
    func helloRoundTripsTheNodeID(nodeID: UInt64) {
        #expect(Hello.parse(Self.payload(of: Hello(nodeID: nodeID))) == .success(Hello(nodeID: nodeID)))
    }

    @Test func helloWithWrongMagicOrLengthIsMalformed() {
        var wrongMagic = Self.payload(of: Hello(nodeID: 1))
        wrongMagic.setBytes(Array("XXXX".utf8), at: wrongMagic.readerIndex)
        #expect(Hello.parse(wrongMagic) == .failure(.malformedHello))

        var tooLong = Self.payload(of: Hello(nodeID: 1))
        tooLong.writeInteger(UInt8(0))
        #expect(Hello.parse(tooLong) == .failure(.malformedHello))

        let full = Self.payload(of: Hello(nodeID: 1))
        let tooShort = full.getSlice(at: full.readerIndex, length: Hello.payloadSizeBytes - 1)!
        #expect(Hello.parse(tooShort) == .failure(.malformedHello))
        #expect(Hello.parse(ByteBuffer()) == .failure(.malformedHello))
    }

    @Test func helloOfAnotherProtocolVersionIsRefused() {
        var payload = Self.payload(of: Hello(nodeID: 1))
        payload.setInteger(Hello.protocolVersion + 1, at: payload.readerIndex + Hello.magic.count, endianness: .big)
        #expect(Hello.parse(payload) == .failure(.unsupportedProtocolVersion))
    }
}
