import NIOCore
import NIOSSL
import Testing
@testable import Transport

/// Connections that must never deliver a frame. Each refused client sends a hello and frames
/// right away; the test waits for the receiver's refusal and for the connection to close, then
/// checks that nothing was delivered.
@Suite(.serialized) struct TransportRefusalTests {
    /// The receiving node 1 lists node 2 as a peer (its address is never dialled successfully).
    static func receiver(_ pki: TestPKI) async throws -> TestNode {
        try await TestNodes.start(1, pki: pki, peers: [2: PeerAddress(host: "127.0.0.1", port: 9)])
    }

    static func expectNothingDelivered(to receiver: TestNode) {
        #expect(receiver.transport.receiveAvailable(maxFrames: 100).isEmpty)
        #expect(receiver.transport.counters().peers[2]?.framesReceived ?? 0 == 0)
        #expect(!receiver.events.events.contains(.connected(peer: 2, direction: .inbound)))
    }

    static let frames = [RawPeer.hello(2), RawPeer.frame([1]), RawPeer.frame([2])]

    @Test func aClientWithAValidCertificateAndHelloIsDelivered() async throws {
        // The control for every refusal below: the same raw client, correctly configured, works.
        let pki = try TestPKI()
        let receiver = try await Self.receiver(pki)
        let raw = try await RawPeer.connectTLS(
            to: receiver.transport.listeningPort,
            certificate: try pki.nodeCertificate(2),
            trusting: pki.authority.certificatePEM
        )
        await RawPeer.send(Self.frames, on: raw)
        let delivered = try await TestNodes.receive(2, at: receiver)
        #expect(delivered == [InboundFrame(from: 2, payload: [1]), InboundFrame(from: 2, payload: [2])])
        try await raw.close()
        await receiver.transport.shutdown()
    }

    @Test func aPeerWithACertificateFromAnotherCAIsRefused() async throws {
        let pki = try TestPKI()
        let foreign = try TestPKI()
        let receiver = try await Self.receiver(pki)
        // It trusts the right CA (public knowledge) but holds a certificate the cluster CA never signed.
        let raw = try await RawPeer.connectTLS(
            to: receiver.transport.listeningPort,
            certificate: try foreign.nodeCertificate(2),
            trusting: pki.authority.certificatePEM
        )
        await RawPeer.send(Self.frames, on: raw)
        try await receiver.events.inboundRefused(.tlsFailure)
        try await RawPeer.waitForClose(raw, "the refused connection to close")
        Self.expectNothingDelivered(to: receiver)
        #expect(receiver.transport.counters().handshakeFailures[.tlsFailure] == 1)
        await receiver.transport.shutdown()
    }

    @Test func aClientWithoutCertificateIsRefused() async throws {
        let pki = try TestPKI()
        let receiver = try await Self.receiver(pki)
        let raw = try await RawPeer.connectTLS(
            to: receiver.transport.listeningPort,
            certificate: nil,
            trusting: pki.authority.certificatePEM
        )
        await RawPeer.send(Self.frames, on: raw)
        try await receiver.events.inboundRefused(.tlsFailure)
        try await RawPeer.waitForClose(raw, "the refused connection to close")
        Self.expectNothingDelivered(to: receiver)
        await receiver.transport.shutdown()
    }

    @Test func aPeerWithAnExpiredCertificateIsRefused() async throws {
        let pki = try TestPKI()
        let receiver = try await Self.receiver(pki)
        let expired = try pki.nodeCertificate(2, issuedDaysAgo: 700, validityDays: 30)
        let raw = try await RawPeer.connectTLS(
            to: receiver.transport.listeningPort,
            certificate: expired,
            trusting: pki.authority.certificatePEM
        )
        await RawPeer.send(Self.frames, on: raw)
        try await receiver.events.inboundRefused(.tlsFailure)
        try await RawPeer.waitForClose(raw, "the refused connection to close")
        Self.expectNothingDelivered(to: receiver)
        await receiver.transport.shutdown()
    }

    @Test func aClientLimitedToTLS12IsRefused() async throws {
        let pki = try TestPKI()
        let receiver = try await Self.receiver(pki)
        let raw = try await RawPeer.connectTLS(
            to: receiver.transport.listeningPort,
            certificate: try pki.nodeCertificate(2),
            trusting: pki.authority.certificatePEM,
            maximumTLSVersion: .tlsv12
        )
        await RawPeer.send(Self.frames, on: raw)
        try await receiver.events.inboundRefused(.tlsFailure)
        try await RawPeer.waitForClose(raw, "the refused connection to close")
        Self.expectNothingDelivered(to: receiver)
        await receiver.transport.shutdown()
    }

    @Test func aPeerWhoseHelloClaimsAnotherNodeThanItsCertificateIsRefused() async throws {
        let pki = try TestPKI()
        let receiver = try await TestNodes.start(
            1,
            pki: pki,
            peers: [2: PeerAddress(host: "127.0.0.1", port: 9), 3: PeerAddress(host: "127.0.0.1", port: 9)]
        )
        // Node 3's certificate, claiming to be node 2, which the receiver also accepts.
        let raw = try await RawPeer.connectTLS(
            to: receiver.transport.listeningPort,
            certificate: try pki.nodeCertificate(3),
            trusting: pki.authority.certificatePEM
        )
        await RawPeer.send(Self.frames, on: raw)
        let refusal = try await receiver.events.inboundRefused(.helloNodeIDMismatch)
        guard case .handshakeFailed(let peer, _, _, _) = refusal else { return }
        #expect(peer == 3, "the refusal names the node the certificate proves")
        try await RawPeer.waitForClose(raw, "the refused connection to close")
        Self.expectNothingDelivered(to: receiver)
        #expect(receiver.transport.counters().peers[3]?.framesReceived ?? 0 == 0)
        await receiver.transport.shutdown()
    }

    @Test func aFirstFrameThatIsNotAHelloIsRefused() async throws {
        let pki = try TestPKI()
        let receiver = try await Self.receiver(pki)
        let raw = try await RawPeer.connectTLS(
            to: receiver.transport.listeningPort,
            certificate: try pki.nodeCertificate(2),
            trusting: pki.authority.certificatePEM
        )
        await RawPeer.send([RawPeer.frame([1]), RawPeer.frame([2])], on: raw)
        try await receiver.events.inboundRefused(.malformedHello)
        try await RawPeer.waitForClose(raw, "the refused connection to close")
        Self.expectNothingDelivered(to: receiver)
        await receiver.transport.shutdown()
    }

    @Test func aNodeOutsideThePeerListIsRefusedAndNeverConnects() async throws {
        let pki = try TestPKI()
        let receiver = try await TestNodes.start(1, pki: pki)
        let stranger = try await TestNodes.start(9, pki: pki, peers: [1: receiver.address])
        let refusal = try await receiver.events.inboundRefused(.unknownPeer)
        guard case .handshakeFailed(let peer, _, _, _) = refusal else { return }
        #expect(peer == 9)
        try await stranger.events.first("the stranger to see its dial fail") {
            guard case .handshakeFailed(1, .outbound, _, _) = $0 else { return false }
            return true
        }
        #expect(stranger.transport.send([1], to: 1) == .droppedNotConnected)
        #expect(!stranger.events.events.contains(.connected(peer: 1, direction: .outbound)))
        #expect(receiver.transport.receiveAvailable(maxFrames: 10).isEmpty)
        await stranger.transport.shutdown()
        await receiver.transport.shutdown()
    }

    @Test func aDialerRefusesANodeWhoseCertificateIsNotThePeerItDialled() async throws {
        let pki = try TestPKI()
        let impostor = try await TestNodes.start(3, pki: pki)
        // Node 1's peer list says node 2 listens where node 3 actually does.
        let dialer = try await TestNodes.start(1, pki: pki, peers: [2: impostor.address])
        try await dialer.events.first("the dialer to refuse node 3 answering for node 2") {
            guard case .handshakeFailed(2, .outbound, .certificateNodeIDMismatch, _) = $0 else { return false }
            return true
        }
        #expect(dialer.transport.send([1], to: 2) == .droppedNotConnected)
        #expect(impostor.transport.receiveAvailable(maxFrames: 10).isEmpty)
        await dialer.transport.shutdown()
        await impostor.transport.shutdown()
    }

    @Test func aDialerRefusesAnAcceptorWithAnExpiredCertificate() async throws {
        let pki = try TestPKI()
        let expired = try pki.nodeCertificate(2, issuedDaysAgo: 700, validityDays: 30)
        // Loaded as of a day inside its validity, as a node with a stale certificate would be.
        let credentials = try NodeCredentials(
            certificatePEM: expired.certificatePEM,
            privateKeyPEM: expired.privateKeyPEM,
            authorityCertificatePEM: pki.authority.certificatePEM,
            now: pki.now.addingTimeInterval(-690 * TestPKI.secondsPerDay)
        )
        let stale = try await TestNodes.start(2, pki: pki, credentials: credentials)
        let dialer = try await TestNodes.start(1, pki: pki, peers: [2: stale.address])
        try await dialer.events.first("the dialer to refuse the expired certificate") {
            guard case .handshakeFailed(2, .outbound, .tlsFailure, _) = $0 else { return false }
            return true
        }
        #expect(dialer.transport.send([1], to: 2) == .droppedNotConnected)
        #expect(!dialer.events.events.contains(.connected(peer: 2, direction: .outbound)))
        await dialer.transport.shutdown()
        await stale.transport.shutdown()
    }

    @Test func aDialerRefusesAnAcceptorCertifiedByAnotherCA() async throws {
        let pki = try TestPKI()
        let foreign = try TestPKI()
        let outsider = try await TestNodes.start(2, pki: foreign)
        let dialer = try await TestNodes.start(1, pki: pki, peers: [2: outsider.address])
        try await dialer.events.first("the dialer to refuse the foreign certificate") {
            guard case .handshakeFailed(2, .outbound, .tlsFailure, _) = $0 else { return false }
            return true
        }
        #expect(dialer.transport.send([1], to: 2) == .droppedNotConnected)
        #expect(outsider.transport.receiveAvailable(maxFrames: 10).isEmpty)
        await dialer.transport.shutdown()
        await outsider.transport.shutdown()
    }

    @Test func aSilentConnectionIsClosedAtTheHandshakeTimeout() async throws {
        let pki = try TestPKI()
        var limits = TestNodes.limits
        limits.handshakeTimeoutMs = 300
        let receiver = try await TestNodes.start(1, pki: pki, limits: limits)
        let raw = try await RawPeer.connectTCP(to: receiver.transport.listeningPort)
        try await receiver.events.inboundRefused(.timeout)
        try await RawPeer.waitForClose(raw, "the silent connection to close")
        await receiver.transport.shutdown()
    }

    @Test func connectionsBeyondThePendingHandshakeLimitAreRefused() async throws {
        let pki = try TestPKI()
        var limits = TestNodes.limits
        limits.pendingHandshakesMax = 1
        // Far longer than the test, so the admitted connection cannot time out under it.
        limits.handshakeTimeoutMs = 600_000
        let receiver = try await TestNodes.start(1, pki: pki, limits: limits)
        let first = try await RawPeer.connectTCP(to: receiver.transport.listeningPort)
        let second = try await RawPeer.connectTCP(to: receiver.transport.listeningPort)
        try await receiver.events.inboundRefused(.tooManyPendingHandshakes)
        try await RawPeer.waitForClose(second, "the connection beyond the limit to close")
        #expect(first.isActive, "the admitted connection keeps its slot until its handshake ends")
        try await first.close()
        await receiver.transport.shutdown()
    }
}
