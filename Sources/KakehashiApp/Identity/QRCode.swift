/// A QR Code symbol (ISO/IEC 18004:2015, the "QR Code" symbology, not Micro QR) holding a string
/// in byte mode, so that an authenticator app can scan an `otpauth://` URI instead of the teacher
/// typing the base32 key.
///
/// The encoding follows the standard's procedure (7.1): the bytes become a bit stream (7.4), which
/// is cut into data codewords, split into blocks that each get Reed–Solomon error correction
/// codewords (7.5), interleaved (7.6) and placed in the matrix around the function patterns (6.3,
/// 7.7); the mask pattern with the lowest penalty is applied (7.8), and format information (7.9)
/// and, from version 7, version information (7.10) are added.
///
/// Only byte mode (7.4.5) is used: it holds any UTF-8 text as it is, and the other modes would save
/// little for a URI. Without an ECI header the standard's default for byte mode is ISO/IEC 8859-1,
/// but scanners treat bytes that are valid UTF-8 as UTF-8, which is what authenticator apps expect.
struct QRCode: Sendable {
    /// Error correction level (7.5, Table 9): about 7 %, 15 %, 25 % and 30 % of the codewords can
    /// be restored.
    enum ErrorCorrection: Sendable, CaseIterable {
        case low, medium, quartile, high

        /// The two-bit indicator in format information (7.9.1). The values do not follow
        /// the order of the levels, so they are spelled out.
        var formatIndicator: Int {
            switch self {
            case .low: 0b01
            case .medium: 0b00
            case .quartile: 0b11
            case .high: 0b10
            }
        }
    }

    /// The input has more bytes than the largest version holds at the requested level.
    struct TooLong: Error, Sendable, CustomStringConvertible {
        let byteCount: Int
        let capacity: Int
        var description: String { "\(byteCount) bytes do not fit a QR Code (at most \(capacity) at this error correction level)" }
    }

    /// Versions 1 to 40 (6.3); the tables in QRCode+Tables.swift cover all of them.
    static let versions = 1...40

    let version: Int
    let correction: ErrorCorrection
    /// The data mask pattern reference (7.8.2) that was applied, 0 to 7.
    let mask: Int
    /// Modules per side: 17 + 4 × version (6.3).
    let size: Int
    /// Row-major, `true` for dark.
    private let modules: [Bool]

    /// Encodes `text` as its UTF-8 bytes in the smallest version that holds them at `correction`.
    init(_ text: String, correction: ErrorCorrection = .medium) throws {
        try self.init(bytes: Array(text.utf8), correction: correction)
    }

    /// Encodes `bytes` in byte mode. `forcedMask` skips the evaluation of 7.8.3 and applies that
    /// mask; it exists for tests, since every mask gives a valid symbol.
    init(bytes: [UInt8], correction: ErrorCorrection = .medium, forcedMask: Int? = nil) throws {
        guard let version = Self.smallestVersion(forByteCount: bytes.count, correction: correction) else {
            throw TooLong(byteCount: bytes.count, capacity: Self.byteCapacity(version: Self.versions.upperBound, correction: correction))
        }
        var grid = Grid(version: version)
        grid.drawFunctionPatterns()
        grid.place(Self.codewords(for: bytes, version: version, correction: correction))

        var best: (grid: Grid, mask: Int, penalty: Int)?
        for mask in forcedMask.map({ [$0] }) ?? Array(0..<8) {
            var candidate = grid
            candidate.apply(mask: mask)
            // The procedure of 7.1 adds format information after masking, but a reader sees it as
            // part of the symbol, so each candidate is scored complete, with its own format
            // information (as most encoders do; it can change which mask wins).
            candidate.drawFormatInformation(Self.formatInformation(correction: correction, mask: mask))
            let penalty = Self.penalty(candidate.dark, size: candidate.size)
            // Strictly lower, so ties keep the lowest mask reference and the output is stable.
            if best.map({ penalty < $0.penalty }) ?? true { best = (candidate, mask, penalty) }
        }
        guard let best else { preconditionFailure("no mask evaluated") }

        self.version = version
        self.correction = correction
        self.mask = best.mask
        self.size = grid.size
        self.modules = best.grid.dark
    }

    /// The mask evaluation score of this symbol (7.8.3.1); the chosen mask has the lowest.
    var penalty: Int { Self.penalty(modules, size: size) }

    /// Whether the module in column `x`, row `y` (origin top left) is dark. Coordinates outside
    /// the symbol are the quiet zone (6.3), which is light.
    func isDark(x: Int, y: Int) -> Bool {
        guard (0..<size).contains(x), (0..<size).contains(y) else { return false }
        return modules[y * size + x]
    }

    // MARK: - SVG

    /// An SVG drawing of the symbol with the 4-module-wide quiet zone of 6.3 on a white background
    /// (a page in dark mode must not show through it), the dark modules as one `<path>`,
    /// `shape-rendering="crispEdges"` so that no anti-aliased seams appear between modules, and
    /// `role="img"` with `label` as its accessible name.
    func svg(moduleSize: Int = 6, label: String) -> String {
        precondition(moduleSize > 0, "moduleSize must be positive")
        let quietZone = 4
        let side = size + 2 * quietZone
        // One rectangle per horizontal run of dark modules keeps the path short.
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else { x += 1; continue }
                let start = x
                while x < size, isDark(x: x, y: y) { x += 1 }
                path += "M\(start + quietZone) \(y + quietZone)h\(x - start)v1h-\(x - start)z"
            }
        }
        let pixels = side * moduleSize
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(pixels)\" height=\"\(pixels)\" "
            + "viewBox=\"0 0 \(side) \(side)\" role=\"img\" aria-label=\"\(Self.escapeXML(label))\" shape-rendering=\"crispEdges\">"
            + "<rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/>"
            + "<path fill=\"#000\" d=\"\(path)\"/></svg>"
    }

    private static func escapeXML(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    // MARK: - Capacity and version choice (Tables 1, 3, 7, 9)

    /// Bits of the character count indicator in byte mode (Table 3).
    static func characterCountBits(version: Int) -> Int {
        version <= 9 ? 8 : 16
    }

    /// Data codewords: the symbol's codewords less the error correction ones (Table 9).
    static func dataCodewordCount(version: Int, correction: ErrorCorrection) -> Int {
        let index = version - 1
        return totalCodewords[index] - errorCorrectionBlocks(correction)[index] * errorCorrectionCodewordsPerBlock(correction)[index]
    }

    /// The most bytes a version holds in one byte-mode segment (Table 7): the data bits less the
    /// 4-bit mode indicator and the character count indicator.
    static func byteCapacity(version: Int, correction: ErrorCorrection) -> Int {
        (dataCodewordCount(version: version, correction: correction) * 8 - 4 - characterCountBits(version: version)) / 8
    }

    /// The smallest version whose capacity holds `byteCount` bytes, or nil when none does.
    static func smallestVersion(forByteCount byteCount: Int, correction: ErrorCorrection) -> Int? {
        versions.first { byteCount <= byteCapacity(version: $0, correction: correction) }
    }

    // MARK: - Data encoding (7.4)

    /// The data codewords: mode indicator 0100 (byte mode, Table 2), character count, the bytes,
    /// the terminator of up to four 0 bits (7.4.9), 0 bits to the next codeword boundary and the
    /// pad codewords 11101100 and 00010001 alternately up to the data capacity (7.4.10).
    static func dataCodewords(for bytes: [UInt8], version: Int, correction: ErrorCorrection) -> [UInt8] {
        let capacity = dataCodewordCount(version: version, correction: correction)
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)
        bits.append(bytes.count, count: characterCountBits(version: version))
        for byte in bytes { bits.append(Int(byte), count: 8) }
        // The terminator is cut short when the data fill the symbol to within fewer than 4 bits.
        bits.append(0, count: min(4, capacity * 8 - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var codewords = bits.bytes
        precondition(codewords.count <= capacity, "the version was chosen too small")
        var pad: UInt8 = 0b1110_1100
        while codewords.count < capacity {
            codewords.append(pad)
            pad = pad == 0b1110_1100 ? 0b0001_0001 : 0b1110_1100
        }
        return codewords
    }

    /// Bits appended most significant first, as the standard writes every field.
    private struct BitBuffer {
        private(set) var bytes: [UInt8] = []
        private(set) var count = 0

        mutating func append(_ value: Int, count bitCount: Int) {
            for shift in stride(from: bitCount - 1, through: 0, by: -1) {
                if count % 8 == 0 { bytes.append(0) }
                if (value >> shift) & 1 == 1 { bytes[count / 8] |= 0x80 >> UInt8(count % 8) }
                count += 1
            }
        }
    }

    // MARK: - Error correction and interleaving (7.5, 7.6)

    /// The final message: data and error correction codewords of every block, interleaved.
    ///
    /// Table 9 gives the blocks of a version and level. When the data codewords do not divide
    /// evenly, the later blocks take one data codeword more; every block has the same
    /// number of error correction codewords. Interleaving (7.6) takes codeword 1 of each block in
    /// turn, then codeword 2, and so on (the short blocks sit out the last data round), first for
    /// the data codewords and then for the error correction codewords, so that a local stain
    /// damages a few codewords of many blocks rather than many of one.
    static func codewords(for bytes: [UInt8], version: Int, correction: ErrorCorrection) -> [UInt8] {
        let data = dataCodewords(for: bytes, version: version, correction: correction)
        let blockCount = errorCorrectionBlocks(correction)[version - 1]
        let errorCorrectionLength = errorCorrectionCodewordsPerBlock(correction)[version - 1]
        let total = totalCodewords[version - 1]
        let shortBlockDataLength = total / blockCount - errorCorrectionLength
        let longBlockCount = total % blockCount
        let generator = ReedSolomon.generator(degree: errorCorrectionLength)

        var dataBlocks: [[UInt8]] = []
        var errorCorrectionBlocks: [[UInt8]] = []
        var start = 0
        for block in 0..<blockCount {
            let length = shortBlockDataLength + (block >= blockCount - longBlockCount ? 1 : 0)
            let blockData = Array(data[start..<start + length])
            start += length
            dataBlocks.append(blockData)
            errorCorrectionBlocks.append(ReedSolomon.remainder(of: blockData, dividedBy: generator))
        }
        precondition(start == data.count, "Table 9 does not add up for version \(version)")

        var message: [UInt8] = []
        message.reserveCapacity(total)
        for index in 0...shortBlockDataLength {
            for block in dataBlocks where index < block.count { message.append(block[index]) }
        }
        for index in 0..<errorCorrectionLength {
            for block in errorCorrectionBlocks { message.append(block[index]) }
        }
        return message
    }

    /// Reed–Solomon error correction over GF(2⁸) with the prime modulus polynomial
    /// x⁸ + x⁴ + x³ + x² + 1 (7.5.2), whose root α = 2 generates the field's multiplicative group.
    enum ReedSolomon {
        /// αⁱ for i in 0..<510, twice round the group so that a product's log needs no reduction.
        private static let exponents: [UInt8] = {
            var table = [UInt8](repeating: 0, count: 510)
            var value = 1
            for power in 0..<255 {
                table[power] = UInt8(value)
                table[power + 255] = UInt8(value)
                value <<= 1
                if value & 0x100 != 0 { value ^= 0b1_0001_1101 }
            }
            return table
        }()

        /// log_α of each non-zero element (index 0 is unused).
        private static let logarithms: [Int] = {
            var table = [Int](repeating: 0, count: 256)
            for power in 0..<255 { table[Int(exponents[power])] = power }
            return table
        }()

        static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
            guard a != 0, b != 0 else { return 0 }
            return exponents[logarithms[Int(a)] + logarithms[Int(b)]]
        }

        /// The generator polynomial (x − α⁰)(x − α¹)…(x − α^(degree−1)) of Annex A, coefficients
        /// from the highest power down (the leading 1 included). In GF(2⁸) subtraction is XOR.
        static func generator(degree: Int) -> [UInt8] {
            var polynomial: [UInt8] = [1]
            for root in 0..<degree {
                var product = [UInt8](repeating: 0, count: polynomial.count + 1)
                for (index, coefficient) in polynomial.enumerated() {
                    product[index] ^= coefficient
                    product[index + 1] ^= multiply(coefficient, exponents[root])
                }
                polynomial = product
            }
            return polynomial
        }

        /// The error correction codewords: the remainder of data(x)·x^degree divided by the
        /// generator, by polynomial long division one data codeword at a time.
        static func remainder(of data: [UInt8], dividedBy generator: [UInt8]) -> [UInt8] {
            let degree = generator.count - 1
            var remainder = [UInt8](repeating: 0, count: degree)
            for codeword in data {
                let factor = codeword ^ remainder[0]
                remainder.removeFirst()
                remainder.append(0)
                for index in 0..<degree { remainder[index] ^= multiply(generator[index + 1], factor) }
            }
            return remainder
        }
    }

    // MARK: - Format and version information (7.9, 7.10, Annexes C and D)

    /// The 15 format information bits: the level indicator and mask reference, a BCH(15,5) code
    /// with generator x¹⁰ + x⁸ + x⁵ + x⁴ + x² + x + 1, XORed with 101010000010010 so that no
    /// combination gives all light modules (7.9.1, Annex C).
    static func formatInformation(correction: ErrorCorrection, mask: Int) -> Int {
        let data = correction.formatIndicator << 3 | mask
        return (data << 10 | bchRemainder(data << 10, generator: 0b101_0011_0111)) ^ 0b101_0100_0001_0010
    }

    /// The 18 version information bits: the version number and a BCH(18,6) code with generator
    /// x¹² + x¹¹ + x¹⁰ + x⁹ + x⁸ + x⁵ + x² + 1 (7.10, Annex D). Not masked.
    static func versionInformation(version: Int) -> Int {
        version << 12 | bchRemainder(version << 12, generator: 0b1_1111_0010_0101)
    }

    /// The remainder of `value` divided by `generator`, both as polynomials over GF(2).
    private static func bchRemainder(_ value: Int, generator: Int) -> Int {
        let degree = generator.bitWidth - generator.leadingZeroBitCount - 1
        var remainder = value
        while remainder.bitWidth - remainder.leadingZeroBitCount - 1 >= degree {
            remainder ^= generator << (remainder.bitWidth - remainder.leadingZeroBitCount - 1 - degree)
        }
        return remainder
    }

    // MARK: - The module matrix

    /// The matrix while it is built: module colours plus which modules belong to function
    /// patterns or format/version information, which codeword placement and masking skip.
    private struct Grid {
        let version: Int
        let size: Int
        var dark: [Bool]
        var isFunction: [Bool]

        init(version: Int) {
            self.version = version
            size = 17 + 4 * version
            dark = Array(repeating: false, count: size * size)
            isFunction = Array(repeating: false, count: size * size)
        }

        private mutating func setFunction(x: Int, y: Int, dark value: Bool) {
            dark[y * size + x] = value
            isFunction[y * size + x] = true
        }

        // MARK: Function patterns (6.3)

        mutating func drawFunctionPatterns() {
            // Timing patterns (6.3.5): row 6 and column 6 alternate, dark on even coordinates.
            // Drawn across the whole side first; the finders below overwrite the ends.
            for index in 0..<size {
                setFunction(x: index, y: 6, dark: index % 2 == 0)
                setFunction(x: 6, y: index, dark: index % 2 == 0)
            }
            // Finder patterns (6.3.3) in three corners, each with its light separator (6.3.4):
            // by Chebyshev distance from the centre, 0–1 is the dark 3×3 core, 2 the light ring,
            // 3 the dark ring and 4 the separator.
            for (centerX, centerY) in [(3, 3), (size - 4, 3), (3, size - 4)] {
                for dy in -4...4 {
                    for dx in -4...4 {
                        let x = centerX + dx, y = centerY + dy
                        guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                        let distance = max(abs(dx), abs(dy))
                        setFunction(x: x, y: y, dark: distance != 2 && distance != 4)
                    }
                }
            }
            // Alignment patterns (6.3.6, Annex E) at every pairing of the table's coordinates
            // except the three that would overlap finder patterns: dark centre, light ring, dark
            // ring. The ones on row or column 6 agree with the timing pattern they replace.
            let coordinates = QRCode.alignmentCoordinates[version - 1]
            for (i, centerY) in coordinates.enumerated() {
                for (j, centerX) in coordinates.enumerated() {
                    let last = coordinates.count - 1
                    if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                    for dy in -2...2 {
                        for dx in -2...2 {
                            setFunction(x: centerX + dx, y: centerY + dy, dark: max(abs(dx), abs(dy)) != 1)
                        }
                    }
                }
            }
            // Reserve the format information areas now so that codewords avoid them; their
            // values depend on the mask and are drawn after masking. The module at (8, 4V + 9)
            // is always dark (7.9.1).
            drawFormatInformation(0)
            setFunction(x: 8, y: size - 8, dark: true)
            if version >= 7 { drawVersionInformation() }
        }

        /// Both copies of the format information (7.9.1); bit 0 is the least
        /// significant. Copy one runs along row 8 from the left edge (bits 14 to 9), past the
        /// timing pattern and up column 8 (bits 8 to 0 ending at the top edge). Copy two runs up
        /// column 8 from the bottom edge (bits 14 to 8) and along row 8 to the right edge (bits 7
        /// to 0).
        mutating func drawFormatInformation(_ bits: Int) {
            func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
            for index in 0...5 { setFunction(x: 8, y: index, dark: bit(index)) }
            setFunction(x: 8, y: 7, dark: bit(6))
            setFunction(x: 8, y: 8, dark: bit(7))
            setFunction(x: 7, y: 8, dark: bit(8))
            for index in 9...14 { setFunction(x: 14 - index, y: 8, dark: bit(index)) }

            for index in 0...7 { setFunction(x: size - 1 - index, y: 8, dark: bit(index)) }
            for index in 8...14 { setFunction(x: 8, y: size - 15 + index, dark: bit(index)) }
        }

        /// Both copies of the version information (7.10): a 6 × 3 block above the
        /// bottom-left finder and its transpose left of the top-right finder, bit 0 nearest the
        /// symbol's corner.
        private mutating func drawVersionInformation() {
            let bits = QRCode.versionInformation(version: version)
            for index in 0..<18 {
                let isDark = (bits >> index) & 1 == 1
                let long = size - 11 + index % 3, short = index / 3
                setFunction(x: long, y: short, dark: isDark)
                setFunction(x: short, y: long, dark: isDark)
            }
        }

        // MARK: Codeword placement (7.7.3)

        /// Places the bits most significant first in two-module-wide columns, starting at the
        /// bottom right and snaking up and down across the symbol from right to left, skipping
        /// function modules; within a column pair the right module comes first. The vertical
        /// timing pattern's column is skipped whole, shifting the pairs left of it by one. Modules
        /// left over after the last codeword are the remainder bits (0, i.e. light before masking).
        mutating func place(_ codewords: [UInt8]) {
            let bitCount = codewords.count * 8
            var bitIndex = 0
            var upward = true
            var right = size - 1
            while right >= 1 {
                if right == 6 { right = 5 }
                for step in 0..<size {
                    let y = upward ? size - 1 - step : step
                    for x in [right, right - 1] where !isFunction[y * size + x] {
                        if bitIndex < bitCount {
                            dark[y * size + x] = (codewords[bitIndex / 8] >> UInt8(7 - bitIndex % 8)) & 1 == 1
                        }
                        bitIndex += 1
                    }
                }
                upward.toggle()
                right -= 2
            }
            precondition(bitIndex >= bitCount && bitIndex - bitCount < 8, "Table 1 disagrees with the matrix for version \(version)")
        }

        // MARK: Masking (7.8)

        /// XORs every non-function module with data mask pattern `mask` (7.8.2), where i is the
        /// row and j the column.
        mutating func apply(mask: Int) {
            for i in 0..<size {
                for j in 0..<size where !isFunction[i * size + j] {
                    let flip: Bool
                    switch mask {
                    case 0: flip = (i + j) % 2 == 0
                    case 1: flip = i % 2 == 0
                    case 2: flip = j % 3 == 0
                    case 3: flip = (i + j) % 3 == 0
                    case 4: flip = (i / 2 + j / 3) % 2 == 0
                    case 5: flip = (i * j) % 2 + (i * j) % 3 == 0
                    case 6: flip = ((i * j) % 2 + (i * j) % 3) % 2 == 0
                    case 7: flip = ((i + j) % 2 + (i * j) % 3) % 2 == 0
                    default: preconditionFailure("mask pattern reference \(mask) is not 0–7")
                    }
                    if flip { dark[i * size + j].toggle() }
                }
            }
        }
    }

    // MARK: - Mask evaluation (7.8.3)

    /// The penalty score of 7.8.3.1 (Table 11), lower is better:
    /// - N1 = 3, plus 1 per module beyond 5, for each run of 5 or more same-coloured modules
    ///   in a row or column;
    /// - N2 = 3 for each 2 × 2 block of one colour (a larger block counts as the 2 × 2 blocks
    ///   it contains, which is the (m − 1)(n − 1) of the table);
    /// - N3 = 40 for each dark-light-dark-dark-dark-light-dark (1:1:3:1:1) run in a row or
    ///   column with 4 light modules before or after it, the quiet zone counting as light
    ///   (every occurrence counts, also two that share a dark module);
    /// - N4 = 10 for each full 5 % by which the dark proportion departs from 50 %.
    static func penalty(_ dark: [Bool], size: Int) -> Int {
        var score = 0
        // Rows and columns alike, as lines of colours.
        for line in 0..<size {
            for horizontal in [true, false] {
                let colours = (0..<size).map { horizontal ? dark[line * size + $0] : dark[$0 * size + line] }
                score += runPenalty(colours) + finderLikePenalty(colours)
            }
        }
        for y in 0..<size - 1 {
            for x in 0..<size - 1 {
                let colour = dark[y * size + x]
                if dark[y * size + x + 1] == colour, dark[(y + 1) * size + x] == colour, dark[(y + 1) * size + x + 1] == colour {
                    score += 3
                }
            }
        }
        let darkCount = dark.reduce(0) { $0 + ($1 ? 1 : 0) }
        // |dark/total − 1/2| in whole steps of 1/20.
        score += 10 * (abs(2 * darkCount - dark.count) * 10 / dark.count)
        return score
    }

    private static func runPenalty(_ colours: [Bool]) -> Int {
        var score = 0
        var runLength = 0
        for (index, colour) in colours.enumerated() {
            runLength = index > 0 && colours[index - 1] == colour ? runLength + 1 : 1
            let runEnds = index == colours.count - 1 || colours[index + 1] != colour
            if runEnds, runLength >= 5 { score += 3 + (runLength - 5) }
        }
        return score
    }

    private static func finderLikePenalty(_ colours: [Bool]) -> Int {
        let pattern = [true, false, true, true, true, false, true]
        func isLight(_ range: Range<Int>) -> Bool {
            range.allSatisfy { !colours.indices.contains($0) || !colours[$0] }
        }
        guard colours.count >= pattern.count else { return 0 }
        var score = 0
        for start in 0...(colours.count - pattern.count) where colours[start..<start + pattern.count].elementsEqual(pattern) {
            if isLight(start - 4..<start) || isLight(start + 7..<start + 11) { score += 40 }
        }
        return score
    }
}
