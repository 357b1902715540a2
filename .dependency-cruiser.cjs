/**
 * Import rules of soakbench, checked by `make lint` (`npx depcruise src`): one seam per outside system and
 * no import cycles. docs/architecture.md explains the parts and why each outside system has one folder.
 *
 * Type-only imports count (tsPreCompilationDeps): a type import still ties one part's design to another's,
 * and a cycle made of types is the same knot in the code a reader has to untie.
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */

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
      from: { path: '^src/', pathNot: '^src/driver/' },
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
      from: { path: '^src/' },
      to: { circular: true },
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
