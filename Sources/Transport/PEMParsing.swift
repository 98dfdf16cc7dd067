import Foundation
import X509

/// Reads PEM text and PEM files into swift-certificates values, turning every failure into a
/// ``ClusterCAError`` that names the input.
enum PEMParsing {
    /// The largest PEM file read, 1 MiB.
    ///
    /// Why: a certificate or key is a few kilobytes; anything near a megabyte is the wrong file,
    /// and reading it whole would be an unbounded allocation.
    static let pemFileSizeBytesMax = 1 << 20

    static func certificate(_ pem: String, what: String) throws(ClusterCAError) -> Certificate {
        do {
            return try Certificate(pemEncoded: pem)
        } catch {
            throw .invalidPEM(what: what, detail: String(describing: error))
        }
    }

    static func privateKey(_ pem: String, what: String) throws(ClusterCAError) -> Certificate.PrivateKey {
        do {
            return try Certificate.PrivateKey(pemEncoded: pem)
        } catch {
            throw .invalidPEM(what: what, detail: String(describing: error))
        }
    }

    /// The text of a PEM file, refusing files larger than ``pemFileSizeBytesMax``.
    static func readFile(atPath path: String) throws(ClusterCAError) -> String {
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let sizeBytes = (attributes[.size] as? NSNumber)?.intValue ?? 0
            guard sizeBytes <= pemFileSizeBytesMax else {
                throw ClusterCAError.unreadableFile(
                    path: path,
                    detail: "\(sizeBytes) bytes, more than the \(pemFileSizeBytesMax) bytes a PEM file may have"
                )
            }
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as ClusterCAError {
            throw error
        } catch {
            throw .unreadableFile(path: path, detail: String(describing: error))
        }
        guard data.count <= pemFileSizeBytesMax, let text = String(data: data, encoding: .utf8) else {
            throw .unreadableFile(path: path, detail: "not UTF-8 text of at most \(pemFileSizeBytesMax) bytes")
        }
        return text
    }
}
