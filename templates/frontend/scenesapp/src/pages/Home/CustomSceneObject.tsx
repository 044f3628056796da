import React from 'react';
import { SceneComponentProps, SceneObjectBase, SceneObjectState } from '@grafana/scenes';
import { Input } from '@grafana/ui';
import { testIds } from '../../components/testIds';

export interface CustomSceneObjectState extends SceneObjectState {
  /** How many forecast runs (series) the home scene's query asks for. */
  counter: number;
}

/**
 * A scene object of our own: its state lives in the scene and its component renders that state.
 * The home scene subscribes to it and re-runs its query when the counter changes.
 */
export class CustomSceneObject extends SceneObjectBase<CustomSceneObjectState> {
  static Component = CustomSceneObjectRenderer;

  setCounter(counter: number) {
    if (Number.isInteger(counter) && counter > 0 && counter !== this.state.counter) {
      this.setState({ counter });
    }
  }
}

function CustomSceneObjectRenderer({ model }: SceneComponentProps<CustomSceneObject>) {
  const { counter } = model.useState();

  return (
    <Input
      data-testid={testIds.home.seriesCount}
      aria-label="Forecast runs"
      prefix="Forecast runs"
      type="number"
      min={1}
      width={20}
      // Keyed on the counter so the field shows the new value when the state changes elsewhere.
      key={counter}
      defaultValue={counter}
      onBlur={(event) => model.setCounter(parseInt(event.currentTarget.value, 10))}
    />
  );
}
