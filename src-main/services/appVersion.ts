// The version is defined in the store (which may not import services); services and the CLI keep this path.
export { appVersion } from '../store/appVersion.ts';
