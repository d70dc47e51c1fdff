#if canImport(Glibc)
import Glibc
#endif

/// glibc's allocator settings for the server process (`kakehashi serve`).
///
/// Statement ingestion allocates and frees blocks of hundreds of kilobytes to a few megabytes
/// per batch (request bodies, bind lists, SQL text). With glibc's defaults such a block is
/// mapped and unmapped each time, or the heap's top is handed back to the kernel and faulted in
/// again, and the kernel's zeroing of fresh pages was 6% of the statement writer's time. Blocks up
/// to 32 MiB now come from the heap, and up to 256 MiB of free heap is kept; the server's peak
/// memory stays within the LRS benchmark's 1 GB (docs/PERFORMANCE.md).
public enum MallocTuning {
    public static func apply() {
        #if canImport(Glibc)
        // `mallopt` is not in Swift's Glibc module; its parameters are glibc's <malloc.h> values.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3
        _ = mallopt(mmapThreshold, 32 << 20)
        _ = mallopt(trimThreshold, 256 << 20)
        #endif
    }
}
