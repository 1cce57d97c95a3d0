package rows

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"
)

// leafFunc turns one non-null Parquet value of a leaf column into a cell.
type leafFunc func(parquet.Value) any

// logical returns the logical annotation of n, derived from the legacy
// converted type when the writer set only that.
func logical(n parquet.Node) format.LogicalTypeValue {
	t := n.Type()
	if lt := t.LogicalType(); lt != nil && lt.Value != nil {
		return lt.Value
	}
	ct := t.ConvertedType()
	if ct == nil {
		return nil
	}
	switch *ct {
	case deprecated.UTF8:
		return &format.StringType{}
	case deprecated.Enum:
		return &format.EnumType{}
	case deprecated.Json:
		return &format.JsonType{}
	case deprecated.Date:
		return &format.DateType{}
	case deprecated.List:
		return &format.ListType{}
	case deprecated.Map, deprecated.MapKeyValue:
		return &format.MapType{}
	case deprecated.TimestampMillis:
		return &format.TimestampType{IsAdjustedToUTC: true, Unit: format.TimeUnit{Value: &format.MilliSeconds{}}}
	case deprecated.TimestampMicros:
		return &format.TimestampType{IsAdjustedToUTC: true, Unit: format.TimeUnit{Value: &format.MicroSeconds{}}}
	case deprecated.Uint8, deprecated.Uint16, deprecated.Uint32, deprecated.Uint64:
		return &format.IntType{BitWidth: 64, IsSigned: false}
	}
	return nil
}

// leafConverter returns how to read the values of leaf node n.
func leafConverter(n parquet.Node) leafFunc {
	lt := logical(n)
	switch n.Type().Kind() {
	case parquet.Boolean:
		return func(v parquet.Value) any { return v.Boolean() }
	case parquet.Int32:
		switch x := lt.(type) {
		case *format.DateType:
			return func(v parquet.Value) any { return time.Unix(int64(v.Int32())*86400, 0).UTC() }
		case *format.IntType:
			if !x.IsSigned {
				return func(v parquet.Value) any { return int64(v.Uint32()) }
			}
		case *format.DecimalType:
			scale := x.Scale
			return func(v parquet.Value) any { return decimalString(big.NewInt(int64(v.Int32())), scale) }
		case *format.TimeType:
			return func(v parquet.Value) any { return timeOfDay(time.Duration(v.Int32()) * time.Millisecond) }
		}
		return func(v parquet.Value) any { return int64(v.Int32()) }
	case parquet.Int64:
		switch x := lt.(type) {
		case *format.TimestampType:
			unit := timeUnit(x.Unit)
			return func(v parquet.Value) any { return epoch(v.Int64(), unit) }
		case *format.IntType:
			if !x.IsSigned {
				return func(v parquet.Value) any {
					if u := v.Uint64(); u > math.MaxInt64 {
						return u
					}
					return int64(v.Uint64())
				}
			}
		case *format.DecimalType:
			scale := x.Scale
			return func(v parquet.Value) any { return decimalString(big.NewInt(v.Int64()), scale) }
		case *format.TimeType:
			unit := timeUnit(x.Unit)
			return func(v parquet.Value) any { return timeOfDay(time.Duration(v.Int64()) * unit) }
		}
		return func(v parquet.Value) any { return v.Int64() }
	case parquet.Int96:
		return func(v parquet.Value) any {
			i := v.Int96()
			nanos := int64(i[1])<<32 | int64(i[0])
			day := int64(i[2]) - 2440588 // Julian day of the Unix epoch
			return time.Unix(day*86400, nanos).UTC()
		}
	case parquet.Float:
		return func(v parquet.Value) any { return v.Float() }
	case parquet.Double:
		return func(v parquet.Value) any { return v.Double() }
	case parquet.ByteArray, parquet.FixedLenByteArray:
		switch x := lt.(type) {
		case *format.StringType, *format.EnumType, *format.JsonType:
			return func(v parquet.Value) any { return string(v.ByteArray()) }
		case *format.UUIDType:
			return func(v parquet.Value) any { return uuidString(v.ByteArray()) }
		case *format.Float16Type:
			return func(v parquet.Value) any { return float16(v.ByteArray()) }
		case *format.DecimalType:
			scale := x.Scale
			return func(v parquet.Value) any { return decimalString(twosComplement(v.ByteArray()), scale) }
		}
		return func(v parquet.Value) any { return append([]byte(nil), v.ByteArray()...) }
	}
	return func(v parquet.Value) any { return nil }
}

func timeUnit(u format.TimeUnit) time.Duration {
	if u.Value == nil {
		return time.Microsecond
	}
	return u.Value.Duration()
}

func epoch(n int64, unit time.Duration) time.Time {
	switch unit {
	case time.Nanosecond:
		return time.Unix(0, n).UTC()
	case time.Microsecond:
		return time.UnixMicro(n).UTC()
	}
	return time.UnixMilli(n).UTC()
}

// timeOfDay renders a TIME value as "15:04:05.000000", as DuckDB and
// pyarrow print it.
func timeOfDay(d time.Duration) string {
	h := d / time.Hour
	d -= h * time.Hour
	m := d / time.Minute
	d -= m * time.Minute
	s := d / time.Second
	d -= s * time.Second
	out := fmt.Sprintf("%02d:%02d:%02d", h, m, s)
	if d != 0 {
		out += strings.TrimRight(fmt.Sprintf(".%09d", d), "0")
	}
	return out
}

func uuidString(b []byte) string {
	if len(b) != 16 {
		return fmt.Sprintf("%x", b)
	}
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func float16(b []byte) float32 {
	if len(b) != 2 {
		return float32(math.NaN())
	}
	h := binary.LittleEndian.Uint16(b)
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | frac<<13)
	case exp == 0:
		f := float32(frac) / 1024 / (1 << 14)
		if sign != 0 {
			f = -f
		}
		return f
	}
	return math.Float32frombits(sign | (exp+112)<<23 | frac<<13)
}

func twosComplement(b []byte) *big.Int {
	n := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(len(b)*8)))
	}
	return n
}

// decimalString renders an unscaled decimal exactly ("-12.340" for
// -12340 at scale 3).
func decimalString(n *big.Int, scale int32) string {
	s := new(big.Int).Abs(n).String()
	if scale > 0 {
		if len(s) <= int(scale) {
			s = strings.Repeat("0", int(scale)-len(s)+1) + s
		}
		s = s[:len(s)-int(scale)] + "." + s[len(s)-int(scale):]
	}
	if n.Sign() < 0 {
		s = "-" + s
	}
	return s
}
