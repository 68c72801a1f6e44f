import { DownhillError } from '../errors';
import { GradientTransformation } from './transformation';
import { ParamSelector, multiTransform, selects } from './multi_transform';

/** The options a named optimizer takes, e.g. AdamwOptions for optim.adamw. */
type OptionsOf<M> = M extends (options: infer O) => GradientTransformation ? NonNullable<O> : never;

/** A param group as in torch.optim: the parameters it holds, and the options it overrides. */
export type ParamGroup<O> = Partial<O> & { params: ParamSelector };

/**
 * torch.optim's param groups: one optimizer, with some options overridden for some
 * parameters; each parameter belongs to exactly one group.
 *
 *   optim.paramGroups(optim.adamw, { lr: 1e-3, weightDecay: 0.01 }, [
 *     { params: (name) => name.startsWith('w') },
 *     { params: (name) => name.startsWith('b'), weightDecay: 0 },   // no decay on biases
 *   ]);
 */
export function paramGroups<M extends (options: never) => GradientTransformation>(
  make: M,
  defaults: OptionsOf<M>,
  groups: ParamGroup<OptionsOf<M>>[],
): GradientTransformation<Record<string, unknown>> {
  if (!Array.isArray(groups) || groups.length === 0) {
    throw new DownhillError('paramGroups: no groups given.', 'pass a list of groups, e.g. [{ params: ["w"] }, { params: ["b"], weightDecay: 0 }].');
  }
  const transforms: Record<string, GradientTransformation> = {};
  groups.forEach((group, i) => {
    if (!group || (typeof group.params !== 'function' && !Array.isArray(group.params))) {
      throw new DownhillError(`paramGroups: group ${i} has no 'params'.`, `give each group its parameters: a list of names or a test on the name, e.g. { params: ['w1', 'w2'] }.`);
    }
    const { params: _params, ...overrides } = group;
    transforms[`group${i}`] = (make as unknown as (options: OptionsOf<M>) => GradientTransformation)({ ...defaults, ...overrides } as OptionsOf<M>);
  });
  const label = (name: string) => {
    const matches = groups.flatMap((g, i) => (selects(g.params, name) ? [i] : []));
    if (matches.length !== 1) {
      throw new DownhillError(
        matches.length === 0
          ? `paramGroups: parameter '${name}' is in no group.`
          : `paramGroups: parameter '${name}' is in several groups (${matches.join(', ')}).`,
        matches.length === 0 ? `add '${name}' to the params of one group.` : `put each parameter in exactly one group, as torch.optim requires.`,
      );
    }
    return `group${matches[0]}`;
  };
  return { ...multiTransform(transforms, label), name: `paramGroups(${groups.length} groups of ${transforms.group0.name ?? 'an optimizer'})` };
}
