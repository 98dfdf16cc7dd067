/// The hash chain of one register (office, year, kind) over its acts and mentions, in the
/// order they were applied.
///
/// `head(0) = SHA-256("sijil/chain/genesis/v1" ‖ register)`, and for entry `n`:
/// `head(n) = SHA-256("sijil/chain/link/v1" ‖ register ‖ n ‖ head(n-1) ‖ kind ‖ actNumber ‖
/// mentionSequence ‖ SHA-256(stored value bytes))`, every integer big-endian and fixed-width.
/// The stored value is the act's or mention's canonical record byte for byte, so changing any
/// byte of a stored act (even its provenance) breaks the chain from that entry on.
public enum RegisterChain {
    /// The head of an empty chain.
    public static func genesis(_ register: RegisterID) -> ChainDigest {
        var writer = ByteWriter()
        writer.writeRaw(Array("sijil/chain/genesis/v1".utf8))
        register.encode(to: &writer)
        return .sha256(writer.bytes)
    }

    /// The head after an entry.
    public static func link(register: RegisterID, position: UInt64, previous: ChainDigest, kind: ChainEntry.Kind,
                            actNumber: UInt64, mentionSequence: UInt32, valueDigest: ChainDigest) -> ChainDigest {
        var writer = ByteWriter()
        writer.writeRaw(Array("sijil/chain/link/v1".utf8))
        register.encode(to: &writer)
        writer.write(position)
        previous.encode(to: &writer)
        kind.encode(to: &writer)
        writer.write(actNumber)
        writer.write(mentionSequence)
        valueDigest.encode(to: &writer)
        return .sha256(writer.bytes)
    }

    /// Appends an entry for a stored value to the register's chain inside `tx` and advances
    /// `state`. Returns the new entry.
    static func append(
        to state: inout RegisterState, kind: ChainEntry.Kind, actNumber: UInt64, mentionSequence: UInt32,
        storedValue: [UInt8], into tx: inout Transaction
    ) -> ChainEntry {
        let position = state.chainLength + 1
        let valueDigest = ChainDigest.sha256(storedValue)
        let head = link(register: state.register, position: position, previous: state.chainHead, kind: kind,
                        actNumber: actNumber, mentionSequence: mentionSequence, valueDigest: valueDigest)
        let entry = ChainEntry(position: position, kind: kind, actNumber: actNumber, mentionSequence: mentionSequence,
                               valueDigest: valueDigest, head: head)
        tx.put(StateKeys.chainEntry(state.register, position: position), entry.canonicalBytes)
        state.chainLength = position
        state.chainHead = head
        return entry
    }
}
