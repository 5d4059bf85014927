"""Directive and declarative rules (ISO050-ISO059): legacy or misused INF directives
(Reboot, DefaultInstall, Include/Needs, UMDF 1, legacy install sections...)."""
