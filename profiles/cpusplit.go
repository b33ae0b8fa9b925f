package profiles

import "github.com/google/pprof/profile"

// CPUSplit is a system profile's CPU time by class (ClassKernel,
// ClassRuntime, ClassUser), as shares of the total. KernelForRuntime is
// the part of Kernel the Go runtime asked for itself (see LabelOnBehalf).
type CPUSplit struct {
	Kernel, Runtime, User float64
	KernelForRuntime      float64
	Samples               int64
}

// SplitCPU sums a system profile (from ParsePerfScript) by its labels.
// The last value column is the time (cpu nanoseconds).
func SplitCPU(p *profile.Profile) CPUSplit {
	var kernel, runtime, user, forRuntime, total int64
	var s CPUSplit
	for _, smp := range p.Sample {
		v := smp.Value[len(smp.Value)-1]
		total += v
		s.Samples++
		switch label(smp, LabelClass) {
		case ClassKernel:
			kernel += v
			if label(smp, LabelOnBehalf) == "runtime" {
				forRuntime += v
			}
		case ClassRuntime:
			runtime += v
		default:
			user += v
		}
	}
	if total > 0 {
		t := float64(total)
		s.Kernel, s.Runtime, s.User = float64(kernel)/t, float64(runtime)/t, float64(user)/t
		s.KernelForRuntime = float64(forRuntime) / t
	}
	return s
}

func label(s *profile.Sample, key string) string {
	if v := s.Label[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}
