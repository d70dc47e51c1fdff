/// The xAPI versions an LRS speaks: 1.0.3 (IEEE-adopted 1.0.x line) and 2.0.0 (IEEE 9274.1.1).
public enum XAPIVersion: String, Sendable, CaseIterable {
    case v1_0_3 = "1.0.3"
    case v2_0_0 = "2.0.0"
}
