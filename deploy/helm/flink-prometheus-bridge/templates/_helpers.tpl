{{- define "fpb.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "fpb.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "fpb.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fpb.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "fpb.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "fpb.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "fpb.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "fpb.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The config file: the user's config with flink.rest_url and rule_files set by the chart. */}}
{{- define "fpb.config" -}}
{{- $config := deepCopy .Values.config -}}
{{- $flink := default dict (get $config "flink") -}}
{{- $_ := set $flink "rest_url" .Values.flinkRestUrl -}}
{{- $_ := set $config "flink" $flink -}}
{{- if or .Values.rules.bundled .Values.rules.extra -}}
{{- $_ := set $config "rule_files" (list "/etc/flink-prometheus-bridge/rules/*.yml") -}}
{{- end -}}
{{- toYaml $config -}}
{{- end -}}
