import Foundation

/// The summary of one run, with the same field names as the anchors' results (etcd and
/// PostgreSQL), so one table can hold all three.
public struct BenchResult: Codable, Sendable, Equatable {
    /// "sijil".
    public var system = "sijil"
    /// "sijil-bench".
    public var client = "sijil-bench"
    /// The label given in the settings.
    public var label: String
    /// "put", "get", "mixed" or "import".
    public var mode: String
    /// Concurrent clients.
    public var clients: Int
    /// Requests completed successfully in the measured window.
    public var ops: UInt64
    /// Acts written in the measured window (imports: acts accepted; registrations: ops).
    public var acts: UInt64
    /// Length of the measured window, in seconds.
    public var seconds: Double
    /// Requests per second.
    public var opsPerS: Double
    /// Acts per second.
    public var actsPerS: Double
    /// Latency of a request, in milliseconds.
    public var latMsMean: Double
    public var latMsP50: Double
    public var latMsP99: Double
    public var latMsP999: Double
    public var latMsMax: Double
    /// Requests that failed (no answer, or an HTTP status other than the expected one).
    public var errors: UInt64
    /// Acts of import requests that the register refused (each with its rule).
    public var actsRejected: UInt64
    /// The first error messages, for people.
    public var errorSamples: [String]
    /// Bytes of one act's JSON body (registrations), or of one import request.
    public var valueBytes: Int
    /// Where requests went ("leader" or "any").
    public var routing: String

    enum CodingKeys: String, CodingKey {
        case system, client, label, mode, clients, ops, acts, seconds, errors, routing
        case opsPerS = "ops_per_s", actsPerS = "acts_per_s"
        case latMsMean = "lat_ms_mean", latMsP50 = "lat_ms_p50", latMsP99 = "lat_ms_p99", latMsP999 = "lat_ms_p999", latMsMax = "lat_ms_max"
        case actsRejected = "acts_rejected", errorSamples = "error_samples", valueBytes = "value_bytes"
    }

    /// One line of JSON.
    public func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// A few lines for people.
    public func text() -> String {
        func ms(_ value: Double) -> String { String(format: "%.2f", value) }
        var lines = [
            "\(mode) \(label.isEmpty ? "" : "(\(label)) ")clients \(clients), routing \(routing), \(String(format: "%.1f", seconds)) s measured",
            "  requests \(ops), \(String(format: "%.0f", opsPerS))/s" + (mode == "import" ? "; acts \(acts), \(String(format: "%.0f", actsPerS))/s, refused \(actsRejected)" : ""),
            "  latency ms: mean \(ms(latMsMean))  p50 \(ms(latMsP50))  p99 \(ms(latMsP99))  p99.9 \(ms(latMsP999))  max \(ms(latMsMax))",
            "  errors \(errors); body \(valueBytes) bytes",
        ]
        for sample in errorSamples { lines.append("  error: \(sample)") }
        return lines.joined(separator: "\n")
    }
}
