import type * as common from '@grafana/grafana-foundation-sdk/common';

/** Every panel, query, variable and annotation reads the Prometheus chosen in the `datasource` variable. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template.
export const DATASOURCE_REF: common.DataSourceRef = { type: 'prometheus', uid: '${datasource}' };
