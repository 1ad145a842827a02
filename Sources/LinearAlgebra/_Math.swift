#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The one shim over the C math library for every module of the package (the library
// stays free of Foundation). Names are spelled out so they never shadow a caller's own.

@inlinable @inline(__always) package func _exp(_ x: Double) -> Double { exp(x) }
@inlinable @inline(__always) package func _log(_ x: Double) -> Double { log(x) }
@inlinable @inline(__always) package func _logf(_ x: Float) -> Float { logf(x) }
@inlinable @inline(__always) package func _log1p(_ x: Double) -> Double { log1p(x) }
@inlinable @inline(__always) package func _log2(_ x: Double) -> Double { log2(x) }
@inlinable @inline(__always) package func _cos(_ x: Double) -> Double { cos(x) }
@inlinable @inline(__always) package func _sin(_ x: Double) -> Double { sin(x) }

/// The number of processors online, or 1 when the system cannot tell.
func _onlineProcessorCount() -> Int {
    max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}

/// The value of an environment variable, if set.
func _environmentValue(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}
