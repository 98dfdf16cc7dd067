import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Headless Chromium driven over the DevTools protocol (a WebSocket on loopback), as a person
/// would use the console: load a page, type into fields, press buttons, read what is shown.
/// A minimal client: blocking sockets with a receive timeout, one page, one command at a time.
final class HeadlessBrowser {
    enum Failure: Error, CustomStringConvertible {
        case notInstalled
        case startup(String)
        case protocolError(String)
        case timeout(String)

        var description: String {
            switch self {
            case .notInstalled: "chromium is not installed"
            case .startup(let why): "chromium did not start: \(why)"
            case .protocolError(let why): "DevTools protocol: \(why)"
            case .timeout(let what): "timed out waiting for \(what)"
            }
        }
    }

    /// The Chromium executable, if installed.
    static var executable: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Bound of every wait on the browser (a page load on a loaded 2-core machine takes well
    /// under a second; this is only a ceiling against a hang).
    static let waitMs: UInt64 = 60_000
    /// Receive timeout of the socket, in seconds, so that a read never blocks forever.
    static let socketTimeoutSeconds = 60

    private let process: Process
    private let profile: String
    private var socket: Int32 = -1
    private var nextID = 1
    private var buffered: [UInt8] = []

    init() throws {
        guard let executable = Self.executable else { throw Failure.notInstalled }
        profile = FileManager.default.temporaryDirectory.appendingPathComponent("sijil-browser-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: profile, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        // The nodes' certificates come from the test cluster's own CA, unknown to the browser.
        process.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
                             "--ignore-certificate-errors", "--remote-debugging-port=0", "--user-data-dir=\(profile)", "about:blank"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        do { try connect() } catch {
            close()
            throw error
        }
    }

    /// Stops the browser and removes its profile.
    func close() {
        if socket >= 0 { _ = Glibc.close(socket); socket = -1 }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: profile)
    }

    private func connect() throws {
        let deadline = ContinuousClock.now + .milliseconds(Self.waitMs)
        var portText: String?
        while portText == nil {
            if let text = try? String(contentsOfFile: profile + "/DevToolsActivePort", encoding: .utf8), let line = text.split(separator: "\n").first {
                portText = String(line)
            } else {
                guard ContinuousClock.now < deadline, process.isRunning else { throw Failure.startup("no DevToolsActivePort") }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        guard let port = Int(portText!) else { throw Failure.startup("bad port \(portText!)") }
        // The page target's WebSocket, from the JSON list.
        var pagePath: String?
        while pagePath == nil {
            let list = try httpGet(port: port, path: "/json/list")
            if let targets = try JSONSerialization.jsonObject(with: Data(list.utf8)) as? [[String: Any]],
               let page = targets.first(where: { $0["type"] as? String == "page" }),
               let url = page["webSocketDebuggerUrl"] as? String, let range = url.range(of: "/devtools/") {
                pagePath = String(url[range.lowerBound...])
            } else {
                guard ContinuousClock.now < deadline else { throw Failure.startup("no page target") }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        socket = try Self.open(port: port)
        let key = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        try write(Array("GET \(pagePath!) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\r\n".utf8))
        let head = try readHead()
        guard head.hasPrefix("HTTP/1.1 101") else { throw Failure.protocolError("upgrade refused: \(head.prefix(80))") }
        _ = try command("Page.enable")
        _ = try command("Runtime.enable")
    }

    private static func open(port: Int) throws -> Int32 {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.startup("socket") }
        var timeout = timeval(tv_sec: socketTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { _ = Glibc.close(fd); throw Failure.startup("connect to \(port)") }
        return fd
    }

    private func httpGet(port: Int, path: String) throws -> String {
        let fd = try Self.open(port: port)
        defer { _ = Glibc.close(fd) }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            response += chunk[0..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return "" }
        return String(text[split.upperBound...])
    }

    private func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, 0) }
            guard sent > 0 else { throw Failure.protocolError("send failed") }
            offset += sent
        }
    }

    private func fill(_ count: Int) throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while buffered.count < count {
            let received = chunk.withUnsafeMutableBytes { Glibc.recv(socket, $0.baseAddress, $0.count, 0) }
            guard received > 0 else { throw Failure.timeout("the browser's answer") }
            buffered += chunk[0..<received]
        }
    }

    private func take(_ count: Int) throws -> [UInt8] {
        try fill(count)
        let bytes = Array(buffered[0..<count])
        buffered.removeFirst(count)
        return bytes
    }

    private func readHead() throws -> String {
        while true {
            if let end = String(decoding: buffered, as: UTF8.self).range(of: "\r\n\r\n") {
                let text = String(decoding: buffered, as: UTF8.self)
                let head = String(text[..<end.upperBound])
                buffered.removeFirst(head.utf8.count)
                return head
            }
            try fill(buffered.count + 1)
        }
    }

    /// Sends a text frame (masked, as a client must).
    private func send(_ text: String) throws {
        let payload = Array(text.utf8)
        var frame: [UInt8] = [0x81]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            frame += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            frame.append(0x80 | 127)
            frame += (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xFF) }
        }
        let mask = (0..<4).map { _ in UInt8.random(in: 0...255) }
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        try write(frame)
    }

    /// Reads one whole text message (joining continuation frames).
    private func receive() throws -> String {
        var message: [UInt8] = []
        while true {
            let header = try take(2)
            let opcode = header[0] & 0x0F
            var length = Int(header[1] & 0x7F)
            if length == 126 { length = try take(2).reduce(0) { $0 << 8 | Int($1) } }
            if length == 127 { length = try take(8).reduce(0) { $0 << 8 | Int($1) } }
            let payload = try take(length)
            switch opcode {
            case 0x8: throw Failure.protocolError("the browser closed the connection")
            case 0x9, 0xA: continue
            default:
                message += payload
                if header[0] & 0x80 != 0 { return String(decoding: message, as: UTF8.self) }
            }
        }
    }

    /// Sends a DevTools command and returns its result, skipping events.
    @discardableResult
    func command(_ method: String, _ params: [String: Any] = [:]) throws -> [String: Any] {
        let id = nextID
        nextID += 1
        let data = try JSONSerialization.data(withJSONObject: ["id": id, "method": method, "params": params])
        try send(String(decoding: data, as: UTF8.self))
        while true {
            let text = try receive()
            guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], object["id"] as? Int == id else { continue }
            if let error = object["error"] { throw Failure.protocolError("\(method): \(error)") }
            return object["result"] as? [String: Any] ?? [:]
        }
    }

    /// Evaluates JavaScript in the page and returns its value (strings, numbers, booleans).
    func evaluate(_ expression: String) throws -> Any? {
        let result = try command("Runtime.evaluate", ["expression": expression, "returnByValue": true])
        if let exception = result["exceptionDetails"] { throw Failure.protocolError("script failed: \(exception)") }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Text of the first element matching `selector` ("" when none).
    func text(_ selector: String) throws -> String {
        (try evaluate("(document.querySelector(\(Self.quote(selector)))||{innerText:''}).innerText") as? String) ?? ""
    }

    /// Waits until `condition` (JavaScript) is true.
    func wait(until condition: String, _ what: String) throws {
        let deadline = ContinuousClock.now + .milliseconds(Self.waitMs)
        while ContinuousClock.now < deadline {
            if (try? evaluate(condition)) as? Bool == true { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw Failure.timeout(what)
    }

    /// Loads `url` and waits for the new document.
    func open(_ url: String) throws {
        _ = try? evaluate("window.__sijilOld = true")
        try command("Page.navigate", ["url": url])
        try wait(until: "window.__sijilOld === undefined && document.readyState === 'complete'", "loading \(url)")
    }

    /// Types values into fields (by name) of the page, then presses the button matching
    /// `button` and waits for the page it leads to.
    func submit(fields: [String: String], button: String) throws {
        for (name, value) in fields {
            let found = try evaluate("(function(){const e=document.querySelector('[name=\"\(name)\"]'); if(!e) return false; e.value=\(Self.quote(value)); return true;})()") as? Bool
            guard found == true else { throw Failure.protocolError("no field \(name) on \(try evaluate("location.href") ?? "")") }
        }
        let pressed = try evaluate("(function(){window.__sijilOld=true; const b=document.querySelector(\(Self.quote(button))); if(!b) return false; b.click(); return true;})()") as? Bool
        guard pressed == true else { throw Failure.protocolError("no button \(button)") }
        try wait(until: "window.__sijilOld === undefined && document.readyState === 'complete'", "the page after \(button)")
    }

    static func quote(_ text: String) -> String {
        let data = try? JSONSerialization.data(withJSONObject: [text])
        let array = data.map { String(decoding: $0, as: UTF8.self) } ?? "[\"\"]"
        return String(array.dropFirst().dropLast())
    }
}
