/**
 * Import rules of soakbench, checked by `make lint` (`npx depcruise src`): one seam per outside system and
 * no import cycles. docs/architecture.md explains the parts and why each outside system has one folder.
 *
 * Type-only imports count (tsPreCompilationDeps): a type import still ties one part's design to another's,
 * and a cycle made of types is the same knot in the code a reader has to untie.
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */

/**
 * Temporary exceptions, owned by work in progress elsewhere (issue 11): these files still construct the
 * Kafka driver directly instead of asking the driver registry in src/driver/ for one, and the daemon and
 * the commands still import each other. Remove each entry when its file is fixed; the rules then hold
 * without exceptions.
 */
const KNOWN_KAFKA_DRIVER_IMPORTERS = ['^src/daemon/daemon[.]ts$', '^src/commands/run-command[.]ts$'];
const KNOWN_FOLDER_CYCLE = '^src/(daemon|commands)$';

/** One outside package and the one folder of src/ that may import it. */
function seam(name, pkg, folder) {
  return {
    name,
    severity: 'error',
    comment: `Only ${folder} imports ${pkg} (docs/architecture.md, "Seams").`,
    from: { path: '^src/', pathNot: `^${folder}` },
    // The package itself, or its type declarations under @types.
    to: { path: `(^|/)node_modules/(@types/)?${pkg}/` },
  };
}

module.exports = {
  forbidden: [
    seam('kafka-client-seam', '@confluentinc/kafka-javascript', 'src/driver/kafka/'),
    seam('prom-client-seam', 'prom-client', 'src/metrics/'),
    seam('express-seam', 'express', 'src/api/'),
    seam('convict-seam', 'convict', 'src/config/'),
    seam('pino-seam', 'pino', 'src/log/'),
    {
      name: 'kafka-driver-seam',
      severity: 'error',
      comment:
        'Outside src/driver/, code talks to Kafka through the Driver interfaces of src/driver/driver.ts; only ' +
        'src/driver/ itself (the driver registry, src/driver/kafka/) imports src/driver/kafka/.',
      from: { path: '^src/', pathNot: ['^src/driver/', ...KNOWN_KAFKA_DRIVER_IMPORTERS] },
      to: { path: '^src/driver/kafka/' },
    },
    {
      name: 'src-stands-alone',
      severity: 'error',
      comment: 'The shipped code never imports tests, benchmarks or tools.',
      from: { path: '^src/' },
      to: { path: '^(test|bench|tools)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No module imports itself through others.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      severity: 'error',
      comment:
        'No folder imports itself through others (stats ↔ metrics was one): a part sits above or below another.',
      scope: 'folder',
      from: { path: '^src/', pathNot: KNOWN_FOLDER_CYCLE },
      to: { circular: true },
    },
    {
      name: 'no-circular-folders-known',
      severity: 'error',
      comment:
        'The known daemon ↔ commands cycle is excepted above; any other cycle through these folders is not.',
      scope: 'folder',
      from: { path: KNOWN_FOLDER_CYCLE },
      to: { circular: true, pathNot: KNOWN_FOLDER_CYCLE },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
