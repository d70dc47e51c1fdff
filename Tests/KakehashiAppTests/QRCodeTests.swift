import Testing

@testable import KakehashiApp

/// The QR Code encoder behind the two-step verification enrolment page, checked against what
/// ISO/IEC 18004:2015 fixes: symbol size, function patterns, format and version information as
/// listed in Annexes C and D, byte capacities (Table 7), Reed–Solomon codewords and their
/// placement. (Decoding by independent readers was checked when the encoder was written.)
@Suite struct QRCodeTests {
    static let otpauth = "otpauth://totp/Kakehashi:demo%2Ft1000002?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Kakehashi&algorithm=SHA1&digits=6&period=30"

    /// Byte-mode capacities of versions 1–10 (Table 7).
    static let byteCapacities: [(QRCode.ErrorCorrection, [Int])] = [
        (.low, [17, 32, 53, 78, 106, 134, 154, 192, 230, 271]),
        (.medium, [14, 26, 42, 62, 84, 106, 122, 152, 180, 213]),
        (.quartile, [11, 20, 32, 46, 60, 74, 86, 108, 130, 151]),
        (.high, [7, 14, 24, 34, 44, 58, 64, 84, 98, 119]),
    ]

    /// Valid format information bit sequences by mask reference 0–7, after the XOR mask (Table C.1).
    static let formatSequences: [(QRCode.ErrorCorrection, [String])] = [
        (.low, ["111011111000100", "111001011110011", "111110110101010", "111100010011101",
                "110011000101111", "110001100011000", "110110001000001", "110100101110110"]),
        (.medium, ["101010000010010", "101000100100101", "101111001111100", "101101101001011",
                   "100010111111001", "100000011001110", "100111110010111", "100101010100000"]),
        (.quartile, ["011010101011111", "011000001101000", "011111100110001", "011101000000110",
                     "010010010110100", "010000110000011", "010111011011010", "010101111101101"]),
        (.high, ["001011010001001", "001001110111110", "001110011100111", "001100111010000",
                 "000011101100010", "000001001010101", "000110100001100", "000100000111011"]),
    ]

    /// Version information bit sequences (Table D.1).
    static let versionSequences: [Int: Int] = [7: 0x07C94, 8: 0x085BC, 9: 0x09A99, 10: 0x0A4D3]

    static func text(bytes count: Int) -> String { String(repeating: "a", count: count) }

    // MARK: - Version choice and size

    @Test func theSmallestVersionThatHoldsTheBytesIsChosen() throws {
        for (correction, capacities) in Self.byteCapacities {
            for (index, capacity) in capacities.enumerated() {
                let version = index + 1
                let full = try QRCode(Self.text(bytes: capacity), correction: correction)
                #expect(full.version == version, "\(capacity) bytes at \(correction)")
                #expect(full.size == 17 + 4 * version)
                let over = try QRCode(Self.text(bytes: capacity + 1), correction: correction)
                #expect(over.version == version + 1, "\(capacity + 1) bytes at \(correction)")
                #expect(over.size == 17 + 4 * (version + 1))
            }
        }
        // Multibyte text counts its UTF-8 bytes: 14 kana are 42 bytes, version 3 at level M.
        #expect(try QRCode(String(repeating: "か", count: 14)).version == 3)
        #expect(try QRCode(String(repeating: "か", count: 15)).version == 4)
        // The enrolment URI (129 bytes) needs version 8 at the default level M.
        #expect(try QRCode(Self.otpauth).version == 8)
    }

    @Test func inputBeyondVersion40IsTooLong() throws {
        for (correction, capacity) in [(QRCode.ErrorCorrection.low, 2953), (.medium, 2331), (.quartile, 1663), (.high, 1273)] {
            #expect(QRCode.byteCapacity(version: 40, correction: correction) == capacity)
            #expect(throws: QRCode.TooLong.self) { try QRCode(Self.text(bytes: capacity + 1), correction: correction) }
        }
        #expect(try QRCode(Self.text(bytes: 2331)).size == 177)
    }

    /// Table 9 against Table 1: error correction and data codewords add up to each version's total,
    /// and every version's codewords fill its matrix (the encoder stops on a mismatch).
    @Test func theBlockTablesAddUpForAllVersions() throws {
        for correction in QRCode.ErrorCorrection.allCases {
            for version in QRCode.versions {
                let data = QRCode.dataCodewordCount(version: version, correction: correction)
                let blocks = QRCode.errorCorrectionBlocks(correction)[version - 1]
                #expect(data > 0 && data >= blocks)
                #expect(QRCode.codewords(for: [], version: version, correction: correction).count == QRCode.totalCodewords[version - 1])
            }
        }
        // One mask each keeps this quick; the masks are checked elsewhere.
        for version in QRCode.versions {
            let bytes = Array(Self.text(bytes: QRCode.byteCapacity(version: version, correction: .high)).utf8)
            #expect(try QRCode(bytes: bytes, correction: .high, forcedMask: version % 8).version == version)
        }
    }

    // MARK: - Function patterns

    @Test(arguments: [1, 2, 6, 7, 10, 14, 40])
    func finderSeparatorTimingAndAlignmentPatternsAreInPlace(version: Int) throws {
        let code = try QRCode(Self.text(bytes: QRCode.byteCapacity(version: version, correction: .medium)))
        #expect(code.version == version)
        let n = code.size
        // Finder patterns: 7 × 7, dark ring, light ring, dark 3 × 3 core; a light separator
        // around the sides that face the symbol.
        for (left, top) in [(0, 0), (n - 7, 0), (0, n - 7)] {
            for dy in -1...7 {
                for dx in -1...7 {
                    let x = left + dx, y = top + dy
                    guard (0..<n).contains(x), (0..<n).contains(y) else { continue }
                    let ring = max(abs(2 * dx - 6), abs(2 * dy - 6)) / 2  // 0 at the centre, 4 on the separator
                    #expect(code.isDark(x: x, y: y) == (ring != 2 && ring != 4), "finder at (\(left), \(top)), module (\(x), \(y))")
                }
            }
        }
        // Timing patterns between the finders: dark on even coordinates.
        for index in 8...(n - 9) {
            #expect(code.isDark(x: index, y: 6) == index.isMultiple(of: 2))
            #expect(code.isDark(x: 6, y: index) == index.isMultiple(of: 2))
        }
        // The dark module beside the bottom-left finder.
        #expect(code.isDark(x: 8, y: n - 8))
        // Alignment patterns: 5 × 5, dark ring, light ring, dark centre, where Table E.1 puts them.
        let coordinates = QRCode.alignmentCoordinates[version - 1]
        if version > 1 { #expect(coordinates.first == 6 && coordinates.last == n - 7) }
        var patterns = 0
        for cy in coordinates {
            for cx in coordinates where !(cx == 6 && cy == 6) && !(cx == 6 && cy == n - 7) && !(cx == n - 7 && cy == 6) {
                patterns += 1
                for dy in -2...2 {
                    for dx in -2...2 {
                        #expect(code.isDark(x: cx + dx, y: cy + dy) == (max(abs(dx), abs(dy)) != 1), "alignment at (\(cx), \(cy))")
                    }
                }
            }
        }
        let expected = [1: 0, 2: 1, 6: 1, 7: 6, 10: 6, 14: 13, 40: 46]
        #expect(patterns == expected[version])
        // Outside the symbol is the light quiet zone.
        #expect(!code.isDark(x: -1, y: 0) && !code.isDark(x: 0, y: n) && !code.isDark(x: n, y: n - 1))
    }

    // MARK: - Format and version information

    /// Reads the two copies of the format information as a reader does, most significant bit
    /// first: along row 8 from the left, then up column 8; and up column 8 from the bottom, then
    /// along row 8 to the right edge.
    static func formatInformation(of code: QRCode) -> (String, String) {
        let n = code.size
        let first = (0...5).map { (x: $0, y: 8) } + [(x: 7, y: 8), (x: 8, y: 8), (x: 8, y: 7)] + (0...5).reversed().map { (x: 8, y: $0) }
        let second = (n - 7...n - 1).reversed().map { (x: 8, y: $0) } + (n - 8...n - 1).map { (x: $0, y: 8) }
        func bits(_ positions: [(x: Int, y: Int)]) -> String { String(positions.map { code.isDark(x: $0.x, y: $0.y) ? "1" : "0" }) }
        return (bits(first), bits(second))
    }

    @Test func formatInformationMatchesAnnexCForEveryLevelAndMask() throws {
        for (correction, sequences) in Self.formatSequences {
            for mask in 0..<8 {
                let code = try QRCode(bytes: Array("Kakehashi".utf8), correction: correction, forcedMask: mask)
                let (first, second) = Self.formatInformation(of: code)
                #expect(first == sequences[mask], "\(correction) mask \(mask)")
                #expect(second == sequences[mask], "\(correction) mask \(mask)")
            }
            // The mask the evaluation picked is the one the format information announces.
            let chosen = try QRCode(Self.otpauth, correction: correction)
            #expect(Self.formatInformation(of: chosen).0 == sequences[chosen.mask])
        }
        // The worked example of Annex C: level M, mask 101.
        #expect(QRCode.formatInformation(correction: .medium, mask: 0b101) == 0b100_0000_1100_1110)
    }

    @Test func versionInformationMatchesAnnexDFromVersion7() throws {
        for (version, sequence) in Self.versionSequences {
            #expect(QRCode.versionInformation(version: version) == sequence)
            let code = try QRCode(Self.text(bytes: QRCode.byteCapacity(version: version, correction: .medium)))
            #expect(code.version == version)
            let n = code.size
            // Top right: 6 rows of 3 modules, read from the bottom-right module (bit 17) towards
            // the top-left one (bit 0); bottom left is its transpose.
            var topRight = 0, bottomLeft = 0
            for y in (0...5).reversed() {
                for x in (n - 11...n - 9).reversed() {
                    topRight = topRight << 1 | (code.isDark(x: x, y: y) ? 1 : 0)
                    bottomLeft = bottomLeft << 1 | (code.isDark(x: y, y: x) ? 1 : 0)
                }
            }
            #expect(topRight == sequence, "version \(version)")
            #expect(bottomLeft == sequence, "version \(version)")
        }
    }

    // MARK: - Codewords

    /// Generator polynomials of Annex A, as exponents of α.
    @Test func generatorPolynomialsMatchAnnexA() {
        func exponents(_ polynomial: [UInt8]) -> [Int] {
            polynomial.map { coefficient in
                var value: UInt8 = 1
                for exponent in 0..<255 {
                    if value == coefficient { return exponent }
                    value = QRCode.ReedSolomon.multiply(value, 2)
                }
                return -1
            }
        }
        #expect(exponents(QRCode.ReedSolomon.generator(degree: 7)) == [0, 87, 229, 146, 149, 238, 102, 21])
        #expect(exponents(QRCode.ReedSolomon.generator(degree: 10)) == [0, 251, 67, 46, 61, 118, 70, 64, 94, 32, 45])
    }

    /// "HELLO WORLD" in byte mode, version 1-M: 0100, count 00001011, the 11 bytes, terminator,
    /// pad codewords, then 10 Reed–Solomon codewords (worked out independently of this encoder).
    static let helloWorld: [UInt8] = [
        64, 180, 132, 84, 196, 196, 242, 5, 116, 245, 36, 196, 64, 236, 17, 236,
        12, 75, 207, 154, 137, 79, 101, 9, 151, 204,
    ]

    @Test func helloWorldVersion1MHasTheKnownCodewords() throws {
        #expect(QRCode.codewords(for: Array("HELLO WORLD".utf8), version: 1, correction: .medium) == Self.helloWorld)
        // A data block with a published remainder (the alphanumeric "HELLO WORLD", version 1-M).
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        #expect(QRCode.ReedSolomon.remainder(of: data, dividedBy: QRCode.ReedSolomon.generator(degree: 10)) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    /// Reads the codewords back out of a version 1 matrix: undo the mask, then follow the
    /// placement order of 7.7.3 (two-module columns snaking up and down from the bottom right,
    /// skipping the function patterns and the vertical timing column).
    @Test(arguments: 0..<8)
    func codewordsArePlacedAndMaskedAsTheStandardSays(mask: Int) throws {
        let code = try QRCode(bytes: Array("HELLO WORLD".utf8), correction: .medium, forcedMask: mask)
        #expect(code.version == 1 && code.mask == mask)
        let n = code.size
        func isFunction(_ x: Int, _ y: Int) -> Bool {
            x == 6 || y == 6 || (x < 9 && y < 9) || (x > n - 9 && y < 9) || (x < 9 && y > n - 9)
        }
        let conditions: [(Int, Int) -> Bool] = [
            { i, j in (i + j) % 2 == 0 }, { i, _ in i % 2 == 0 }, { _, j in j % 3 == 0 }, { i, j in (i + j) % 3 == 0 },
            { i, j in (i / 2 + j / 3) % 2 == 0 }, { i, j in i * j % 2 + i * j % 3 == 0 },
            { i, j in (i * j % 2 + i * j % 3) % 2 == 0 }, { i, j in ((i + j) % 2 + i * j % 3) % 2 == 0 },
        ]
        var bits: [Bool] = []
        var upward = true
        for right in stride(from: n - 1, through: 1, by: -2).map({ $0 <= 6 ? $0 - 1 : $0 }) {
            for row in 0..<n {
                let y = upward ? n - 1 - row : row
                for x in [right, right - 1] where !isFunction(x, y) {
                    bits.append(code.isDark(x: x, y: y) != conditions[mask](y, x))
                }
            }
            upward.toggle()
        }
        #expect(bits.count == 26 * 8)  // Table 1: 26 codewords, no remainder bits
        let codewords = stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
        #expect(codewords == Self.helloWorld)
    }

    /// Version 5-Q has two blocks of 15 data codewords and two of 16 (Table 9): interleaving takes
    /// one codeword of each block in turn, and only the longer blocks supply the last round.
    @Test func blocksAreInterleaved() {
        let bytes = (0..<58).map { UInt8($0) }
        let data = QRCode.dataCodewords(for: bytes, version: 5, correction: .quartile)
        #expect(data.count == 62)
        let message = QRCode.codewords(for: bytes, version: 5, correction: .quartile)
        #expect(message.count == 134)
        let blockStarts = [0, 15, 30, 46]
        for round in 0..<15 {
            #expect(Array(message[4 * round..<4 * round + 4]) == blockStarts.map { data[$0 + round] })
        }
        #expect(Array(message[60..<62]) == [data[45], data[61]])
        // Each block's 18 error correction codewords follow, interleaved the same way.
        let generator = QRCode.ReedSolomon.generator(degree: 18)
        let blocks = zip(blockStarts, [15, 15, 16, 16]).map { QRCode.ReedSolomon.remainder(of: Array(data[$0..<$0 + $1]), dividedBy: generator) }
        for round in 0..<18 {
            #expect(Array(message[62 + 4 * round..<66 + 4 * round]) == blocks.map { $0[round] })
        }
    }

    /// Pad codewords alternate 11101100 and 00010001 after the terminator (7.4.10).
    @Test func shortDataIsPaddedToCapacity() {
        #expect(QRCode.dataCodewords(for: Array("Hi".utf8), version: 1, correction: .medium) == [0x40, 0x24, 0x86, 0x90, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11])
        // At capacity the 4-bit terminator still fits in byte mode: 4 + 8 + 14 × 8 + 4 = 128 bits.
        let full = QRCode.dataCodewords(for: Array(repeating: 0xFF, count: 14), version: 1, correction: .medium)
        #expect(full.count == 16 && full.first == 0x40 && full[1] == 0xEF && full.last == 0xF0)
    }

    // MARK: - Mask evaluation

    @Test func theChosenMaskHasTheLowestPenalty() throws {
        for correction in QRCode.ErrorCorrection.allCases {
            let chosen = try QRCode(Self.otpauth, correction: correction)
            for mask in 0..<8 {
                let other = try QRCode(bytes: Array(Self.otpauth.utf8), correction: correction, forcedMask: mask)
                #expect(other.penalty >= chosen.penalty, "\(correction) mask \(mask)")
                // Ties go to the lower mask reference.
                if mask < chosen.mask { #expect(other.penalty > chosen.penalty, "\(correction) mask \(mask)") }
            }
        }
    }

    @Test func penaltyRulesScoreAsTable11() {
        // All light, 7 × 7: 14 lines of 7 alike (N1: 14 × (3 + 2)), 36 2 × 2 blocks (N2: 36 × 3),
        // no 1:1:3:1:1 pattern, 0 % dark, ten steps of 5 % from half (N4: 10 × 10).
        #expect(QRCode.penalty(Array(repeating: false, count: 49), size: 7) == 70 + 108 + 100)
        #expect(QRCode.penalty(Array(repeating: true, count: 49), size: 7) == 70 + 108 + 100)
        // An 11 × 11 checkerboard scores nothing: no runs, no blocks, 61 of 121 dark.
        let checkerboard = (0..<121).map { ($0 / 11 + $0 % 11) % 2 == 0 }
        #expect(QRCode.penalty(checkerboard, size: 11) == 0)
        // Row 5 as 0000 1011101: one 1:1:3:1:1 pattern after 4 light modules (N3: 40); the
        // columns stay free of runs, blocks and light areas, and 61 modules stay dark.
        for row in ["00001011101", "10111010000"] {
            var grid = checkerboard
            for (x, bit) in row.enumerated() { grid[5 * 11 + x] = bit == "1" }
            #expect(QRCode.penalty(grid, size: 11) == 40, "\(row)")
        }
        // The quiet zone beyond the edge is light area too; without light area the pattern does
        // not count.
        for (row, score) in [("00101011101", 40), ("01101110110", 0)] {
            var grid = checkerboard
            for (x, bit) in row.enumerated() { grid[5 * 11 + x] = bit == "1" }
            #expect(QRCode.penalty(grid, size: 11) == score, "\(row)")
        }
    }

    // MARK: - SVG

    @Test func svgIsOnePathOfTheDarkModulesWithItsLabel() throws {
        let code = try QRCode(Self.otpauth)
        let svg = code.svg(moduleSize: 5, label: "2段階認証用QRコード <Kakehashi> & \"demo\"")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.hasSuffix("</svg>"))
        #expect(svg.ranges(of: "<path").count == 1)
        #expect(svg.contains("role=\"img\""))
        #expect(svg.contains("aria-label=\"2段階認証用QRコード &lt;Kakehashi&gt; &amp; &quot;demo&quot;\""))
        #expect(svg.contains("shape-rendering=\"crispEdges\""))
        let side = code.size + 8
        #expect(svg.contains("viewBox=\"0 0 \(side) \(side)\"") && svg.contains("width=\"\(side * 5)\""))

        // The path is a run of rectangles "Mx yhWv1h-Wz", one module high, offset by the quiet zone;
        // together they cover exactly the dark modules.
        let afterD = try #require(svg.split(separator: " d=\"").last)
        let data = try #require(afterD.split(separator: "\"").first)
        var covered = Set<Int>()
        for rectangle in data.split(separator: "z") {
            let numbers = rectangle.split(whereSeparator: { "Mhv ".contains($0) }).compactMap { Int($0) }
            try #require(numbers.count == 5)  // x, y, width, 1, −width
            let (x, y, width) = (numbers[0] - 4, numbers[1] - 4, numbers[2])
            #expect(rectangle.hasPrefix("M") && width > 0 && numbers[3] == 1 && numbers[4] == -width)
            for column in x..<x + width { covered.insert(y * code.size + column) }
        }
        let dark = Set((0..<code.size * code.size).filter { code.isDark(x: $0 % code.size, y: $0 / code.size) })
        #expect(covered == dark)
    }
}
