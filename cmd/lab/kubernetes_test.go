package main

import (
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

const kubeDir = "../../deploy/kubernetes/"

// decodeStrict reads a manifest into its API type, refusing unknown fields.
func decodeStrict(t *testing.T, name string, into any) {
	t.Helper()
	b, err := os.ReadFile(kubeDir + name)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(b, into); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

var varRef = regexp.MustCompile(`\$\(([A-Z_]+)\)`)

// expand resolves $(VAR) as the kubelet does, from the container's env.
func expand(s string, env map[string]string) string {
	return varRef.ReplaceAllStringFunc(s, func(ref string) string {
		if v, ok := env[varRef.FindStringSubmatch(ref)[1]]; ok {
			return v
		}
		return ref
	})
}

// The agents' Indexed Job is wired as the recipe says: N pods at once,
// each told its index, its share of the plan and the common origin, and
// its results on the shared volume; lab load's own flag parser accepts
// the command line every pod gets.
func TestKubernetesAgentsJob(t *testing.T) {
	var job batchv1.Job
	decodeStrict(t, "job.yaml", &job)
	spec := job.Spec
	if spec.CompletionMode == nil || *spec.CompletionMode != batchv1.IndexedCompletion {
		t.Fatal("the agents' Job is not Indexed")
	}
	if spec.Completions == nil || spec.Parallelism == nil || *spec.Completions != *spec.Parallelism {
		t.Fatal("completions and parallelism must be the same N: every agent runs at --start-at")
	}
	n := int(*spec.Completions)
	c := spec.Template.Spec.Containers[0]
	env := map[string]string{}
	indexFromAnnotation := false
	for _, e := range c.Env {
		env[e.Name] = e.Value
		if e.Name == "JOB_COMPLETION_INDEX" && e.ValueFrom != nil && e.ValueFrom.FieldRef != nil &&
			strings.Contains(e.ValueFrom.FieldRef.FieldPath, "batch.kubernetes.io/job-completion-index") {
			indexFromAnnotation = true
		}
	}
	if !indexFromAnnotation {
		t.Error("JOB_COMPLETION_INDEX does not come from the job-completion-index annotation")
	}
	if !slices.Contains(c.Args, "--shard=$(JOB_COMPLETION_INDEX)/"+strconv.Itoa(n)) {
		t.Errorf("args %v lack --shard=$(JOB_COMPLETION_INDEX)/%d", c.Args, n)
	}
	if !mountsResults(c.VolumeMounts) || !claims(spec.Template.Spec.Volumes, "lab-results") {
		t.Error("the agents do not mount the lab-results claim at /results")
	}
	if _, err := time.Parse(time.RFC3339, env["START_AT"]); err != nil {
		t.Fatalf("START_AT %q is not RFC 3339: %v", env["START_AT"], err)
	}
	// The manifest's date is an example to edit; lab load refuses one far
	// ahead or past, so the parse below uses one a minute from now.
	env["START_AT"] = time.Now().Add(time.Minute).UTC().Format(time.RFC3339)
	for i := range n {
		env["JOB_COMPLETION_INDEX"] = strconv.Itoa(i)
		var args []string
		for _, a := range c.Args[1:] { // c.Args[0] is the subcommand
			args = append(args, expand(a, env))
		}
		fs := newFlagSet("load", "URL [flags]")
		fs.SetOutput(io.Discard)
		var f loadFlags
		f.register(fs)
		url, err := f.parseArgs(fs, args)
		if err != nil {
			t.Fatalf("pod %d: lab load %v: %v", i, args, err)
		}
		cfg, err := f.config(url)
		if err != nil {
			t.Fatalf("pod %d: %v", i, err)
		}
		if cfg.Shard.Index != i || cfg.Shard.Count != n || cfg.StartAt.IsZero() {
			t.Errorf("pod %d: shard %v, start-at %v", i, cfg.Shard, cfg.StartAt)
		}
		if !strings.HasPrefix(f.jsonPath, "/results/") || strings.TrimSuffix(f.jsonPath, ".json")+".hlog" != f.hlogPath {
			t.Errorf("pod %d: --json %s and --hlog %s must lie side by side on the volume", i, f.jsonPath, f.hlogPath)
		}
	}
}

// The merge step reads every agent's result from the same volume.
func TestKubernetesMergeJob(t *testing.T) {
	var job batchv1.Job
	decodeStrict(t, "merge-job.yaml", &job)
	c := job.Spec.Template.Spec.Containers[0]
	cmd := strings.Join(append(c.Command, c.Args...), " ")
	for _, want := range []string{"lab merge", "/results/agent-*.json", "--hlog /results/merged.hlog"} {
		if !strings.Contains(cmd, want) {
			t.Errorf("merge command %q lacks %q", cmd, want)
		}
	}
	if !mountsResults(c.VolumeMounts) || !claims(job.Spec.Template.Spec.Volumes, "lab-results") {
		t.Error("the merge step does not mount the lab-results claim at /results")
	}
	var pvc corev1.PersistentVolumeClaim
	decodeStrict(t, "pvc.yaml", &pvc)
	if pvc.Name != "lab-results" || !slices.Contains(pvc.Spec.AccessModes, corev1.ReadWriteMany) {
		t.Errorf("the claim %q must be ReadWriteMany: agents on several nodes write to it", pvc.Name)
	}
}

func mountsResults(ms []corev1.VolumeMount) bool {
	return slices.ContainsFunc(ms, func(m corev1.VolumeMount) bool { return m.Name == "results" && m.MountPath == "/results" })
}

func claims(vs []corev1.Volume, claim string) bool {
	return slices.ContainsFunc(vs, func(v corev1.Volume) bool {
		return v.Name == "results" && v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName == claim
	})
}
