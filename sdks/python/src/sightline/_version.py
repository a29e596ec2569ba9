"""The SDK's version, as packaged."""

SDK_VERSION = "0.1.0"
