import type { ProjectInfo } from '../../src-shared/model/ProjectInfo.ts';

export function printProject(info: ProjectInfo, json?: boolean): void {
  if (json) {
    console.log(JSON.stringify(info, null, 2));
    return;
  }
  console.log(`name=${info.name}`);
  console.log(`path=${info.path}`);
  console.log(`clips=${info.clipCount}`);
  console.log(`labels=${info.labelCount}`);
  console.log(`noise_files=${info.noiseCount}`);
  console.log(`sample_rate=${info.sampleRate}`);
  console.log(`schema_version=${info.schemaVersion}`);
}
