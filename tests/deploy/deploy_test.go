// Package deploy checks the scale-out deployment files by parsing them: no
// docker engine or cluster runs here, so every reference the files make
// (mounted files, services, env vars, selectors, Secret and ConfigMap keys)
// is resolved by hand.
package deploy

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"gopkg.in/yaml.v3"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func deployDir(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	require.True(t, ok)
	return filepath.Join(filepath.Dir(file), "..", "..", "deploy")
}

var (
	imageRef    = regexp.MustCompile(`^[a-z0-9]+([._/-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$`)
	configEnv   = regexp.MustCompile(`\$\{env:([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}`)
	composeVar  = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?])?[^}]*\}`)
	configFlag  = regexp.MustCompile(`^/etc/agentstack/[^/]+\.yaml$`)
	upstreamSrv = regexp.MustCompile(`(?m)^\s*server\s+([A-Za-z0-9_.-]+):(\d+)`)
)

// envUse is one ${env:NAME[:-default]} in a collector config.
type envUse struct {
	name, def  string
	hasDefault bool
}

func envUses(t *testing.T, path string) []envUse {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []envUse
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for _, m := range configEnv.FindAllStringSubmatch(line, -1) {
			out = append(out, envUse{name: m[1], def: m[3], hasDefault: m[2] != ""})
		}
	}
	return out
}

// mustBeSet reports whether a deployment must set the variable: it has no
// default, or its default only makes sense on a developer's machine.
func (e envUse) mustBeSet() bool {
	return !e.hasDefault || strings.Contains(e.def, "localhost") || strings.Contains(e.def, "./")
}

type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image       string            `yaml:"image"`
	Command     []string          `yaml:"command"`
	Entrypoint  []string          `yaml:"entrypoint"`
	Environment map[string]string `yaml:"environment"`
	Volumes     []string          `yaml:"volumes"`
	Ports       []string          `yaml:"ports"`
	DependsOn   map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
	Healthcheck *struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
	MemLimit string `yaml:"mem_limit"`
	Restart  string `yaml:"restart"`
}

func loadCompose(t *testing.T, dir string) composeFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "docker-compose.yml"))
	require.NoError(t, err)
	var c composeFile
	require.NoError(t, yaml.Unmarshal(b, &c), "docker-compose.yml parses (merge keys included)")
	return c
}

func TestComposeFile(t *testing.T) {
	dir := deployDir(t)
	c := loadCompose(t, dir)
	for _, want := range []string{"postgres", "clickhouse", "redis", "migrate", "gateway-1", "gateway-2", "lb", "api"} {
		assert.Contains(t, c.Services, want)
	}
	for name, s := range c.Services {
		t.Run(name, func(t *testing.T) {
			assert.Regexp(t, imageRef, s.Image, "image name")
			assert.NotEmpty(t, s.MemLimit, "every service has a memory limit")
			if s.Restart != "no" {
				require.NotNil(t, s.Healthcheck, "every long-running service has a health check")
				assert.NotEmpty(t, s.Healthcheck.Test)
			}
			for _, p := range s.Ports {
				parts := strings.Split(p, ":")
				require.Len(t, parts, 2, "port %q is host:container", p)
				for _, n := range parts {
					v, err := strconv.Atoi(n)
					require.NoError(t, err, "port %q", p)
					assert.True(t, v > 0 && v < 65536, "port %q", p)
				}
			}
			for dep := range s.DependsOn {
				assert.Contains(t, c.Services, dep, "depends_on names a service")
			}
			mounts := map[string]string{} // container path -> repo file
			for _, v := range s.Volumes {
				parts := strings.Split(v, ":")
				require.GreaterOrEqual(t, len(parts), 2, "volume %q", v)
				src := parts[0]
				if strings.HasPrefix(src, ".") || strings.HasPrefix(src, "/") {
					_, err := os.Stat(filepath.Join(dir, src))
					assert.NoError(t, err, "mounted file %s exists in deploy/", src)
					mounts[parts[1]] = filepath.Join(dir, src)
				} else {
					assert.Contains(t, c.Volumes, src, "named volume %s is declared", src)
				}
			}
			// A collector started with --config must find it mounted, and
			// the environment the config needs must be set.
			for i, arg := range s.Command {
				if arg != "--config" || i+1 >= len(s.Command) {
					continue
				}
				path := s.Command[i+1]
				require.Regexp(t, configFlag, path)
				host, ok := mounts[path]
				require.True(t, ok, "%s is mounted from the repo", path)
				for _, e := range envUses(t, host) {
					if e.mustBeSet() {
						assert.Contains(t, s.Environment, e.name, "%s uses ${env:%s}; the service must set it", filepath.Base(host), e.name)
					}
				}
			}
		})
	}
	// The gateways run the same config; the API its own.
	assert.Equal(t, c.Services["gateway-1"].Command, c.Services["gateway-2"].Command)
	assert.Equal(t, c.Services["gateway-1"].Environment, c.Services["gateway-2"].Environment)
	assert.Contains(t, strings.Join(c.Services["api"].Command, " "), "api.yaml")
}

// Every variable the compose file interpolates without a default is in
// .env.example, so `cp .env.example .env` is enough to start.
func TestComposeVariablesAreDocumented(t *testing.T) {
	dir := deployDir(t)
	b, err := os.ReadFile(filepath.Join(dir, "docker-compose.yml"))
	require.NoError(t, err)
	env, err := os.ReadFile(filepath.Join(dir, ".env.example"))
	require.NoError(t, err)
	declared := map[string]bool{}
	for _, line := range strings.Split(string(env), "\n") {
		if k, _, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			declared[strings.TrimSpace(k)] = true
		}
	}
	found := 0
	for _, m := range composeVar.FindAllStringSubmatch(string(b), -1) {
		found++
		if m[2] == ":-" || m[2] == "-" {
			continue
		}
		assert.True(t, declared[m[1]], "${%s} has no default and is not in .env.example", m[1])
	}
	assert.Positive(t, found)
}

func TestNginxUpstreamsAreGateways(t *testing.T) {
	dir := deployDir(t)
	c := loadCompose(t, dir)
	conf, err := os.ReadFile(filepath.Join(dir, "nginx.conf"))
	require.NoError(t, err)
	ms := upstreamSrv.FindAllStringSubmatch(string(conf), -1)
	require.NotEmpty(t, ms)
	gw, err := os.ReadFile(filepath.Join(dir, "gateway.yaml"))
	require.NoError(t, err)
	var hosts []string
	for _, m := range ms {
		svc, ok := c.Services[m[1]]
		require.True(t, ok, "upstream %s is a compose service", m[1])
		assert.Contains(t, strings.Join(svc.Command, " "), "gateway.yaml", "upstream %s runs the gateway config", m[1])
		assert.Contains(t, string(gw), ":"+m[2]+"}", "gateway.yaml listens on %s", m[2])
		hosts = append(hosts, m[1])
	}
	assert.Contains(t, hosts, "gateway-1")
	assert.Contains(t, hosts, "gateway-2")
	lb := c.Services["lb"]
	assert.Contains(t, lb.Volumes, "./nginx.conf:/etc/nginx/nginx.conf:ro")
}

// k8sObject is the part of a manifest the checks read.
type k8sObject struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name      string            `yaml:"name"`
		Namespace string            `yaml:"namespace"`
		Labels    map[string]string `yaml:"labels"`
	} `yaml:"metadata"`
	Data       map[string]string `yaml:"data"`
	StringData map[string]string `yaml:"stringData"`
	Spec       yaml.Node         `yaml:"spec"`
	file       string
}

type podSpec struct {
	Containers []struct {
		Name  string   `yaml:"name"`
		Image string   `yaml:"image"`
		Args  []string `yaml:"args"`
		Ports []struct {
			Name          string `yaml:"name"`
			ContainerPort int    `yaml:"containerPort"`
		} `yaml:"ports"`
		Env []struct {
			Name      string `yaml:"name"`
			Value     string `yaml:"value"`
			ValueFrom *struct {
				SecretKeyRef *struct {
					Name string `yaml:"name"`
					Key  string `yaml:"key"`
				} `yaml:"secretKeyRef"`
				ConfigMapKeyRef *struct {
					Name string `yaml:"name"`
					Key  string `yaml:"key"`
				} `yaml:"configMapKeyRef"`
			} `yaml:"valueFrom"`
		} `yaml:"env"`
		VolumeMounts []struct {
			Name      string `yaml:"name"`
			MountPath string `yaml:"mountPath"`
		} `yaml:"volumeMounts"`
		Resources struct {
			Limits map[string]string `yaml:"limits"`
		} `yaml:"resources"`
	} `yaml:"containers"`
	Volumes []struct {
		Name      string `yaml:"name"`
		ConfigMap *struct {
			Name  string `yaml:"name"`
			Items []struct {
				Key  string `yaml:"key"`
				Path string `yaml:"path"`
			} `yaml:"items"`
		} `yaml:"configMap"`
		Secret *struct {
			SecretName string `yaml:"secretName"`
		} `yaml:"secret"`
	} `yaml:"volumes"`
}

type workloadSpec struct {
	Selector struct {
		MatchLabels map[string]string `yaml:"matchLabels"`
	} `yaml:"selector"`
	Template struct {
		Metadata struct {
			Labels map[string]string `yaml:"labels"`
		} `yaml:"metadata"`
		Spec podSpec `yaml:"spec"`
	} `yaml:"template"`
}

func loadK8s(t *testing.T, dir string) []k8sObject {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "k8s", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var objs []k8sObject
	for _, f := range files {
		if filepath.Base(f) == "kustomization.yaml" {
			continue
		}
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		dec := yaml.NewDecoder(bytes.NewReader(b))
		for {
			var o k8sObject
			err := dec.Decode(&o)
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err, "%s parses", f)
			require.NotEmpty(t, o.Kind, "%s: every document has a kind", f)
			require.NotEmpty(t, o.APIVersion, "%s: every document has an apiVersion", f)
			require.NotEmpty(t, o.Metadata.Name, "%s: every object is named", f)
			o.file = filepath.Base(f)
			objs = append(objs, o)
		}
	}
	return objs
}

func subsetOf(sel, labels map[string]string) bool {
	if len(sel) == 0 {
		return false
	}
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func TestKubernetesManifests(t *testing.T) {
	dir := deployDir(t)
	objs := loadK8s(t, dir)
	byKind := map[string]map[string]k8sObject{}
	for _, o := range objs {
		if byKind[o.Kind] == nil {
			byKind[o.Kind] = map[string]k8sObject{}
		}
		_, dup := byKind[o.Kind][o.Metadata.Name]
		assert.False(t, dup, "%s/%s is defined once", o.Kind, o.Metadata.Name)
		byKind[o.Kind][o.Metadata.Name] = o
		if o.Kind != "Namespace" {
			assert.Equal(t, "agentstack", o.Metadata.Namespace, "%s/%s namespace", o.Kind, o.Metadata.Name)
		}
	}
	require.Contains(t, byKind, "Deployment")
	require.Contains(t, byKind["Deployment"], "agentstack-gateway")
	require.Contains(t, byKind["Deployment"], "agentstack-api")
	require.Contains(t, byKind, "HorizontalPodAutoscaler")

	workloads := map[string]workloadSpec{}
	pods := map[string]podSpec{}
	for name, d := range byKind["Deployment"] {
		var w workloadSpec
		require.NoError(t, d.Spec.Decode(&w))
		assert.True(t, subsetOf(w.Selector.MatchLabels, w.Template.Metadata.Labels), "Deployment %s selects its own pods", name)
		workloads[name] = w
		pods["Deployment/"+name] = w.Template.Spec
	}
	for name, j := range byKind["Job"] {
		var w workloadSpec
		require.NoError(t, j.Spec.Decode(&w))
		pods["Job/"+name] = w.Template.Spec
	}

	// Every Service selects a Deployment's pods, on ports they name.
	for name, s := range byKind["Service"] {
		var spec struct {
			Selector map[string]string `yaml:"selector"`
			Ports    []struct {
				Port       int    `yaml:"port"`
				TargetPort string `yaml:"targetPort"`
			} `yaml:"ports"`
		}
		require.NoError(t, s.Spec.Decode(&spec))
		var matched []string
		for dn, w := range workloads {
			if subsetOf(spec.Selector, w.Template.Metadata.Labels) {
				matched = append(matched, dn)
			}
		}
		require.Len(t, matched, 1, "Service %s selects exactly one Deployment's pods", name)
		w := workloads[matched[0]]
		for _, p := range spec.Ports {
			found := false
			for _, c := range w.Template.Spec.Containers {
				for _, cp := range c.Ports {
					if cp.Name == p.TargetPort || strconv.Itoa(cp.ContainerPort) == p.TargetPort {
						found = true
					}
				}
			}
			assert.True(t, found, "Service %s targetPort %s is a container port of %s", name, p.TargetPort, matched[0])
		}
	}

	// Every HPA and PDB points at something that exists.
	for name, h := range byKind["HorizontalPodAutoscaler"] {
		var spec struct {
			ScaleTargetRef struct {
				Kind string `yaml:"kind"`
				Name string `yaml:"name"`
			} `yaml:"scaleTargetRef"`
			MinReplicas int `yaml:"minReplicas"`
			MaxReplicas int `yaml:"maxReplicas"`
		}
		require.NoError(t, h.Spec.Decode(&spec))
		assert.Contains(t, byKind[spec.ScaleTargetRef.Kind], spec.ScaleTargetRef.Name, "HPA %s target exists", name)
		assert.GreaterOrEqual(t, spec.MinReplicas, 2, "HPA %s keeps two gateways for availability", name)
		assert.Greater(t, spec.MaxReplicas, spec.MinReplicas)
	}
	for name, p := range byKind["PodDisruptionBudget"] {
		var spec struct {
			Selector struct {
				MatchLabels map[string]string `yaml:"matchLabels"`
			} `yaml:"selector"`
		}
		require.NoError(t, p.Spec.Decode(&spec))
		ok := false
		for _, w := range workloads {
			ok = ok || subsetOf(spec.Selector.MatchLabels, w.Template.Metadata.Labels)
		}
		assert.True(t, ok, "PDB %s selects some pods", name)
	}

	// Every Secret and ConfigMap a pod references exists with the key.
	keysOf := func(kind, name string) map[string]string {
		o, ok := byKind[kind][name]
		require.True(t, ok, "%s %s exists", kind, name)
		if kind == "Secret" {
			return o.StringData
		}
		return o.Data
	}
	for pname, ps := range pods {
		mounted := map[string]string{} // container file -> ConfigMap key content
		vols := map[string]bool{}
		for _, v := range ps.Volumes {
			vols[v.Name] = true
			if v.ConfigMap != nil {
				data := keysOf("ConfigMap", v.ConfigMap.Name)
				for _, it := range v.ConfigMap.Items {
					assert.Contains(t, data, it.Key, "%s: ConfigMap %s has key %s", pname, v.ConfigMap.Name, it.Key)
					mounted[v.Name+"/"+it.Path] = data[it.Key]
				}
			}
			if v.Secret != nil {
				keysOf("Secret", v.Secret.SecretName)
			}
		}
		for _, c := range ps.Containers {
			assert.Regexp(t, imageRef, c.Image, "%s image", pname)
			assert.NotEmpty(t, c.Resources.Limits["memory"], "%s/%s has a memory limit", pname, c.Name)
			env := map[string]bool{}
			for _, e := range c.Env {
				env[e.Name] = true
				if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
					assert.Contains(t, keysOf("Secret", e.ValueFrom.SecretKeyRef.Name), e.ValueFrom.SecretKeyRef.Key,
						"%s: env %s refers to an existing Secret key", pname, e.Name)
				}
				if e.ValueFrom != nil && e.ValueFrom.ConfigMapKeyRef != nil {
					assert.Contains(t, keysOf("ConfigMap", e.ValueFrom.ConfigMapKeyRef.Name), e.ValueFrom.ConfigMapKeyRef.Key)
				}
			}
			// $(VAR) in args must be a container env var.
			for _, a := range c.Args {
				for _, m := range regexp.MustCompile(`\$\(([A-Z0-9_]+)\)`).FindAllStringSubmatch(a, -1) {
					assert.True(t, env[m[1]], "%s: arg uses $(%s), which is not in env", pname, m[1])
				}
			}
			for _, vm := range c.VolumeMounts {
				assert.True(t, vols[vm.Name], "%s: volumeMount %s names a volume", pname, vm.Name)
			}
			for i, a := range c.Args {
				if a != "--config" || i+1 >= len(c.Args) {
					continue
				}
				path := c.Args[i+1]
				var content string
				found := false
				for _, vm := range c.VolumeMounts {
					if rel, ok := strings.CutPrefix(path, vm.MountPath+"/"); ok {
						content, found = mounted[vm.Name+"/"+rel]
					}
				}
				require.True(t, found, "%s: %s is mounted from a ConfigMap", pname, path)
				f := filepath.Join(t.TempDir(), "config.yaml")
				require.NoError(t, os.WriteFile(f, []byte(content), 0o600))
				for _, e := range envUses(t, f) {
					if e.mustBeSet() {
						assert.True(t, env[e.name], "%s: the config uses ${env:%s}; the container must set it", pname, e.name)
					}
				}
			}
		}
	}

	// The ConfigMap carries deploy/gateway.yaml and deploy/api.yaml as they are.
	cm := byKind["ConfigMap"]["agentstack-config"]
	for _, f := range []string{"gateway.yaml", "api.yaml"} {
		want, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		assert.Equal(t, string(want), cm.Data[f], "k8s/configmap.yaml's %s has drifted from deploy/%s", f, f)
	}
}

func TestKustomizationListsEveryManifest(t *testing.T) {
	dir := deployDir(t)
	b, err := os.ReadFile(filepath.Join(dir, "k8s", "kustomization.yaml"))
	require.NoError(t, err)
	var k struct {
		Resources []string `yaml:"resources"`
	}
	require.NoError(t, yaml.Unmarshal(b, &k))
	files, err := filepath.Glob(filepath.Join(dir, "k8s", "*.yaml"))
	require.NoError(t, err)
	for _, f := range files {
		if base := filepath.Base(f); base != "kustomization.yaml" {
			assert.True(t, slices.Contains(k.Resources, base), "kustomization.yaml lists %s", base)
		}
	}
	for _, r := range k.Resources {
		_, err := os.Stat(filepath.Join(dir, "k8s", r))
		assert.NoError(t, err, "resource %s exists", r)
	}
}

// The collector configs are the two roles: the gateway runs pipelines and
// no API; the API config runs the API and ingests nothing.
func TestCollectorConfigRoles(t *testing.T) {
	dir := deployDir(t)
	load := func(name string) map[string]any {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, yaml.Unmarshal(b, &m))
		return m
	}
	get := func(m map[string]any, path ...string) any {
		var cur any = m
		for _, p := range path {
			mm, ok := cur.(map[string]any)
			if !ok {
				return nil
			}
			cur = mm[p]
		}
		return cur
	}
	gw := load("gateway.yaml")
	assert.Nil(t, get(gw, "extensions", "agentstack_api"), "the gateway runs no API")
	assert.Equal(t, "agentstack_postgres", get(gw, "extensions", "apikeyauth", "store"))
	assert.Equal(t, []any{"memory_limiter", "projectstamp", "cost", "security"}, get(gw, "service", "pipelines", "traces", "processors"))
	assert.Equal(t, []any{"clickhouse", "redisstream"}, get(gw, "service", "pipelines", "traces", "exporters"))

	api := load("api.yaml")
	assert.Equal(t, "agentstack_postgres", get(api, "extensions", "agentstack_api", "metadata"))
	assert.Equal(t, "redisstream_feed", get(api, "extensions", "agentstack_api", "live_feed"))
	pipes, _ := get(api, "service", "pipelines").(map[string]any)
	require.Len(t, pipes, 1)
	for _, p := range pipes {
		assert.Equal(t, []any{"nop"}, get(p.(map[string]any), "receivers"), "the API role receives nothing")
	}
}
