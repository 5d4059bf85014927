"""Directive and declarative rules (codes ISO050-ISO069): legacy or misused INF directives
(Reboot, DefaultInstall, Include/Needs, UMDF 1, legacy install sections...)."""
