// Time as this process's CPU time (user + system), in milliseconds: the machine the bench runs
// on is shared (2 cores, other runs beside it), and wall time would measure their load too.
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
