/** The SDK's version, as spans and system labels report it. */
export const SDK_VERSION = '0.1.0';
