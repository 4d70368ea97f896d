// `kindling doctor`: which libtorch is loaded, how it was found, and what the machine offers.
import type { Command } from 'commander';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description(
      'show the libtorch in use (path, version, how it was found), CPU capability, threads, BLAS, CUDA/MPS, Node',
    )
    .option('--json', 'print one JSON object instead of text')
    .action(async (o: { json?: boolean }) => {
      const torch = await import('../../torch/index.js');
      const info = torch.runtimeInfo();
      if (o.json) {
        console.log(JSON.stringify(info, null, 2));
        return;
      }
      const lines = [
        `libtorch     ${info.libtorch.version}  (${info.libtorch.foundBy ?? 'unknown'})`,
        `path         ${info.libtorch.path ?? 'unknown'}`,
        `cxx11 abi    ${info.libtorch.cxx11Abi}`,
        `cpu          ${info.cpuCapability ?? 'unknown'}; BLAS ${info.blas ?? 'unknown'}`,
        `threads      intra-op ${info.threads.intraop}, inter-op ${info.threads.interop}, OMP_WAIT_POLICY=${info.threads.ompWaitPolicy ?? '(unset)'}`,
        `cuda         ${info.cuda.available ? `${info.cuda.devices} device(s)` : 'not available'}`,
        `mps          ${info.mps.available ? 'available' : 'not available'}`,
        `node         ${info.node}`,
      ];
      console.log(lines.join('\n'));
    });
}
